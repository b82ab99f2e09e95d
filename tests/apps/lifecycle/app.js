const log = []
App({
  globalData: { log, errors: [], rejections: [], wxErrors: 0 },
  onLaunch(options) {
    log.push('app:launch:' + options.path + ':' + options.scene + ':' + JSON.stringify(options.query))
    wx.onAppShow(() => log.push('wx:show'))
    wx.onAppHide(() => log.push('wx:hide'))
    wx.onError(() => { this.globalData.wxErrors += 1 })
  },
  onShow() {
    log.push('app:show')
  },
  onHide() {
    log.push('app:hide')
  },
  onError(message) {
    this.globalData.errors.push(message)
  },
  onPageNotFound(res) {
    log.push('app:notfound:' + res.path)
    wx.redirectTo({ url: '/pages/detail/detail?id=404&name=' + res.path.split('/').pop() })
  },
  onUnhandledRejection(res) {
    this.globalData.rejections.push(String(res.reason && res.reason.message))
    // Shown as it comes: it comes in a task of its own after the tap that rejected, so a tap already
    // waiting for the logic thread (the test's next one, on a loaded machine) runs before it.
    const pages = getCurrentPages()
    pages[pages.length - 1].setData({ rejections: this.globalData.rejections.join('|') })
  },
})
