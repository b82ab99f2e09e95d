App({
  globalData: { launched: '' },
  onLaunch(options) {
    this.globalData.launched = options.scene + ':' + JSON.stringify(options.referrerInfo)
  },
})
