Page({
  data: {
    log: '',
    dialog: false,
    half: false,
    sheet: false,
    tip: '',
    n: 0,
    dialogButtons: [{ text: 'Cancel' }, { text: 'OK', extClass: 'ok-btn' }],
    halfButtons: [
      { type: 'default', text: 'Aux', value: 0 },
      { type: 'primary', text: 'Main', value: 1 },
    ],
    actions: [
      { text: 'First', value: 'a' },
      { text: 'Delete', type: 'warn', value: 'd' },
    ],
  },
  add(entry) {
    this.setData({ log: this.data.log + entry + ';' })
  },
  bump() {
    this.setData({ n: this.data.n + 1 })
    this.add('bump')
  },
  openDialog() {
    this.setData({ dialog: true })
  },
  onDialogButton(e) {
    this.add('button:' + e.detail.index + ':' + e.detail.item.text)
    if (e.detail.index === 1) this.setData({ dialog: false })
  },
  onDialogClose() {
    this.add('dialogclose')
  },
  openHalf() {
    this.setData({ half: true })
  },
  onHalfButton(e) {
    this.add('half:' + e.detail.index + ':' + e.detail.item.value)
  },
  onHalfClose() {
    this.add('halfclose')
    this.setData({ half: false })
  },
  openSheet() {
    this.setData({ sheet: true })
  },
  onAction(e) {
    this.add('action:' + e.detail.index + ':' + e.detail.value + ':' + e.detail.groupindex)
    this.setData({ sheet: false })
  },
  onSheetClose() {
    this.add('sheetclose')
  },
  openTips() {
    this.setData({ tip: 'Saved' })
  },
  onTipsHide() {
    this.add('tipshide')
  },
})
