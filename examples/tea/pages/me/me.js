const orders = require('../../utils/orders.js')

Page({
  data: {
    shopName: getApp().globalData.shopName,
    orderCount: 0,
    points: 0,
  },

  onShow() {
    const list = orders.all()
    const paid = list.filter((order) => order.status === 'paid')
    this.setData({
      orderCount: list.length,
      points: Math.floor(paid.reduce((sum, order) => sum + order.total, 0) / 100),
    })
  },

  onCall() {
    wx.makePhoneCall({ phoneNumber: '4001234567' })
  },
})
