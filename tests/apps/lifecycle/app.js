const log = []
App({
  globalData: { log, errors: [], rejections: [] },
  onLaunch(options) {
    log.push('app:launch:' + options.path + ':' + options.scene + ':' + JSON.stringify(options.query))
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
  onUnhandledRejection(res) {
    this.globalData.rejections.push(String(res.reason && res.reason.message))
  },
})
