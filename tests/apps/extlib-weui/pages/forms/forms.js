Page({
  data: {
    log: '',
    models: { name: '', mobile: '', fruit: [] },
    rules: [
      { name: 'name', rules: { required: true, message: 'Name is required' } },
      { name: 'mobile', rules: [{ required: true, message: 'Mobile is required' }, { mobile: true, message: 'Mobile is wrong' }] },
      { name: 'fruit', rules: { validator: (rule, value) => (value && value.length >= 1 ? '' : 'Pick fruit') } },
    ],
    fruit: [
      { name: 'Apple', value: 'apple' },
      { name: 'Pear', value: 'pear', checked: true },
    ],
  },
  add(entry) {
    this.setData({ log: this.data.log + entry + ';' })
  },
  onName(e) {
    this.setData({ 'models.name': e.detail.value })
  },
  onMobile(e) {
    this.setData({ 'models.mobile': e.detail.value })
  },
  onFruit(e) {
    this.add('fruit:' + e.detail.value.join(','))
    this.setData({ 'models.fruit': e.detail.value })
  },
  onSize(e) {
    this.add('size:' + e.detail.value)
  },
  onSuccess(e) {
    this.add('success:' + e.detail.trigger)
  },
  onFail(e) {
    this.add('fail:' + e.detail.trigger + ':' + e.detail.errors.map((x) => x.name + '=' + x.message).join('|'))
  },
  checkMobile() {
    const form = this.selectComponent('#form')
    form.validateField('mobile', '1380013800', (valid, errors) => {
      this.add('field:' + valid + ':' + errors.map((x) => x.name + '=' + x.message).join('|'))
    })
  },
  submit() {
    this.selectComponent('#form').validate((valid, errors) => {
      this.add('valid:' + valid + ':' + (errors ? errors.length : 0))
    })
  },
})
