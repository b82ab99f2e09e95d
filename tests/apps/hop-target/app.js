App({
  globalData: { launched: '' },
  onLaunch(options) {
    this.globalData.launched = options.scene + ':' + JSON.stringify(options.referrerInfo)
    // Kept across launches: a restart runs onLaunch again.
    wx.setStorageSync('launches', (wx.getStorageSync('launches') || 0) + 1)
  },
})
