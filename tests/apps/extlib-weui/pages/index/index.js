Page({
  data: { log: '', back: '' },
  onShow() {
    this.setData({ back: getApp().back || '' })
  },
  onTap() {
    this.setData({ log: this.data.log + 'tap;' })
  },
  onNavigated(e) {
    getApp().navigated = e.detail.errMsg
  },
})
