App({
  globalData: { launch: null, events: [] },
  onLaunch(options) {
    this.globalData.launch = options
    this.globalData.events.push('launch:' + options.scene)
  },
  onShow(options) {
    this.globalData.events.push('show:' + options.scene)
  },
  onHide() {
    this.globalData.events.push('hide')
  },
})
