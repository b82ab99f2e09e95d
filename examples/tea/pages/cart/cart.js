const cart = require('../../utils/cart.js')
const orders = require('../../utils/orders.js')

Page({
  data: {
    items: [],
    summary: { count: 0, total: 0 },
    remark: '',
    pickup: 0,
    pickups: ['到店自取 Pick up', '外卖配送 Delivery'],
  },

  onShow() {
    this.setData({ items: cart.items(), summary: cart.summary() })
  },

  onCount(event) {
    cart.set(event.currentTarget.dataset.id, event.detail.value)
    this.onShow()
  },

  onRemark(event) {
    this.setData({ remark: event.detail.value })
  },

  onPickup(event) {
    this.setData({ pickup: Number(event.detail.value) })
  },

  onPlaceOrder() {
    const { items, summary, remark, pickup, pickups } = this.data
    if (items.length === 0) return
    wx.showModal({
      title: '确认下单 Confirm',
      content: `共 ${summary.count} 杯，合计 ¥${(summary.total / 100).toFixed(2)}`,
      success: (res) => {
        if (!res.confirm) return
        const order = orders.add({
          id: 'T' + Date.now(),
          items,
          total: summary.total,
          remark,
          pickup: pickups[pickup],
          status: 'unpaid',
          createdAt: Date.now(),
        })
        cart.clear()
        wx.redirectTo({ url: `/pages/order/order?id=${order.id}` })
      },
    })
  },
})
