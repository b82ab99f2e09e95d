const app = getApp()

Page({
  data: { launched: '', launch: '', enter: '', query: '', launches: 0, restartResult: '' },
  onLoad(query) {
    const launch = wx.getLaunchOptionsSync()
    const enter = wx.getEnterOptionsSync()
    this.setData({
      launched: app.globalData.launched,
      launch: launch.scene + ':' + JSON.stringify(launch.referrerInfo),
      enter: enter.scene + ':' + JSON.stringify(enter.referrerInfo),
      query: JSON.stringify(query),
      launches: wx.getStorageSync('launches'),
    })
  },
  restart() {
    wx.restartMiniProgram({
      path: '/pages/index/index?again=1',
      fail: (res) => this.setData({ restartResult: res.errMsg }),
    })
  },
  back() {
    wx.navigateBackMiniProgram({ extraData: { paid: true } })
  },
})
