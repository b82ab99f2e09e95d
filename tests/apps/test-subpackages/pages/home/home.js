Page({
  go() {
    wx.navigateTo({ url: '/shop/list/list?x=1' })
  },
})
