const app = getApp()

Page({
  data: { scene: '', path: '', query: '', events: '' },
  onLoad(query) {
    const launch = app.globalData.launch
    this.setData({
      scene: String(launch.scene),
      path: launch.path,
      query: JSON.stringify(query),
    })
  },
  onShow() {
    this.setData({ events: app.globalData.events.join(' ') })
  },
  // Nothing returned: the share is this page as it is, titled with the app's name.
  onShareAppMessage() {},
  detail() {
    wx.navigateTo({ url: '/pages/detail/detail?from=index' })
  },
})
