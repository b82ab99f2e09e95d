const cart = require('../../utils/cart.js')
const orders = require('../../utils/orders.js')
const shop = require('../../utils/shop.js')

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
        if (res.confirm) this.placeOrder(items, remark, pickups[pickup])
      },
    })
  },

  // The shop's server prices the order and makes it with WeChat Pay; the payment happens on the order page.
  async placeOrder(items, remark, pickup) {
    wx.showLoading({ title: '下单中 Ordering', mask: true })
    try {
      const { order, payment } = await shop.createOrder(items, remark, pickup)
      orders.add({ ...order, payment })
      cart.clear()
      wx.hideLoading()
      wx.redirectTo({ url: `/pages/order/order?id=${order.id}` })
    } catch (error) {
      wx.hideLoading()
      wx.showModal({ title: '下单失败 Order failed', content: error.message, showCancel: false })
    }
  },
})
