Page({
  data: { log: '' },
  onTap() {
    this.setData({ log: this.data.log + 'tap;' })
  },
  onNavigated(e) {
    getApp().navigated = e.detail.errMsg
  },
})
