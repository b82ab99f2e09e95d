const app = getApp()

Page({
  data: { shows: '', enter: '', result: '', extra: { from: 'navigator', n: 2 } },
  onShow() {
    this.setData({
      shows: app.globalData.shows.join(' | '),
      enter: JSON.stringify(wx.getEnterOptionsSync().referrerInfo || {}),
    })
  },
  go() {
    wx.navigateToMiniProgram({
      appId: 'test-hop-target',
      path: 'pages/index/index?coupon=C1',
      extraData: { coupon: 'C1', amount: 500 },
      success: (res) => this.setData({ result: res.errMsg }),
      fail: (res) => this.setData({ result: res.errMsg }),
    })
  },
  toCounter() {
    wx.navigateToMiniProgram({ appId: 'hutong-counter' }).then(
      (res) => this.setData({ result: res.errMsg }),
      (res) => this.setData({ result: res.errMsg }),
    )
  },
  badVersion() {
    wx.navigateToMiniProgram({ appId: 'test-hop-target', envVersion: 'nightly' }).catch((res) => this.setData({ result: res.errMsg }))
  },
  backNowhere() {
    wx.navigateBackMiniProgram({ extraData: {} }).catch((res) => this.setData({ result: res.errMsg }))
  },
  navDone(e) {
    this.setData({ result: 'navigator ' + e.type + ' ' + e.detail.errMsg })
  },
})
