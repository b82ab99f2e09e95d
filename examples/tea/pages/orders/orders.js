const orders = require('../../utils/orders.js')
const shop = require('../../utils/shop.js')

Page({
  data: {
    orders: [],
  },

  onShow() {
    this.setData({ orders: orders.all() })
    this.refresh()
  },

  onPullDownRefresh() {
    this.refresh().then(() => wx.stopPullDownRefresh())
  },

  // Payment and refunds happen on the shop's server (told by WeChat Pay): ask it about recent orders.
  async refresh() {
    for (const order of orders.all().slice(0, 10)) {
      if (order.status === 'refunded') continue
      try {
        orders.update(order.id, await shop.getOrder(order.id))
      } catch (error) {
        // Offline or an order the server no longer knows: keep what is stored.
      }
    }
    this.setData({ orders: orders.all() })
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/order/order?id=${event.currentTarget.dataset.id}` })
  },
})
