const app = getApp()

Page({
  data: { launched: '', launch: '', enter: '', query: '' },
  onLoad(query) {
    const launch = wx.getLaunchOptionsSync()
    const enter = wx.getEnterOptionsSync()
    this.setData({
      launched: app.globalData.launched,
      launch: launch.scene + ':' + JSON.stringify(launch.referrerInfo),
      enter: enter.scene + ':' + JSON.stringify(enter.referrerInfo),
      query: JSON.stringify(query),
    })
  },
  back() {
    wx.navigateBackMiniProgram({ extraData: { paid: true } })
  },
})
