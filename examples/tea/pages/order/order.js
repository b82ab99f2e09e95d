const orders = require('../../utils/orders.js')

Page({
  data: {
    order: null,
  },

  onLoad(query) {
    this.orderId = query.id
    this.setData({ order: orders.get(query.id) || null })
  },

  onPay() {
    // Payment arrives with the platform's wallet; until then the order is marked paid locally.
    const all = orders.all().map((order) => (order.id === this.orderId ? { ...order, status: 'paid' } : order))
    wx.setStorageSync('tea-orders', all)
    this.setData({ 'order.status': 'paid' })
    wx.showToast({ title: '支付成功 Paid', icon: 'success' })
  },

  onBackToMenu() {
    wx.switchTab({ url: '/pages/menu/menu' })
  },
})
