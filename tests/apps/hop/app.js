App({
  globalData: { shows: [] },
  onShow(options) {
    this.globalData.shows.push(options.scene + ':' + JSON.stringify(options.referrerInfo || {}))
  },
})
