const orders = require('../../utils/orders.js')

Page({
  data: {
    orders: [],
  },

  onShow() {
    this.setData({ orders: orders.all() })
  },

  onPullDownRefresh() {
    this.setData({ orders: orders.all() }, () => wx.stopPullDownRefresh())
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/order/order?id=${event.currentTarget.dataset.id}` })
  },
})
