// The pattern of UI libraries' date pickers: the child picker is looked up during creation, data is
// set, and after wx.nextTick the child's columns (rendered from that data) are expected to be linked.
function later(component, data) {
  component.setData(data)
  return new Promise((resolve) => wx.nextTick(resolve))
}

Component({
  data: { columns: [], picked: '', value: '' },
  lifetimes: {
    created() {
      this.pickerAtCreated = this.selectComponent('.picker')
    },
    attached() {
      const picker = this.selectComponent('.picker')
      const seen = 'created:' + (this.pickerAtCreated === picker ? 'same' : 'missing') + ' attached:' + (picker ? 'yes' : 'no')
      later(this, { value: '2024-05' })
        .then(() => later(this, { columns: [['2023', '2024'], ['04', '05']] }))
        .then(() => picker.setValues(this.data.value.split('-')))
        .then(() => this.setData({ picked: seen + ' ' + picker.getValues().join('-') }))
        .catch((error) => this.setData({ picked: seen + ' failed: ' + error.message }))
    },
  },
})
