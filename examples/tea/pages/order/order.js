const orders = require('../../utils/orders.js')
const shop = require('../../utils/shop.js')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

Page({
  data: {
    order: null,
    statusText: '',
    paying: false,
  },

  onLoad(query) {
    this.orderId = query.id
    this.show(orders.get(query.id) || null)
  },

  onShow() {
    if (this.orderId) this.refresh()
  },

  show(order) {
    this.setData({ order, statusText: order ? orders.label(order.status) : '' })
  },

  // The shop's server knows the order's state: it is told by WeChat Pay's notification.
  async refresh() {
    try {
      const fresh = await shop.getOrder(this.orderId)
      this.show(orders.update(this.orderId, fresh))
      return fresh
    } catch (error) {
      return null
    }
  },

  onPay() {
    const order = this.data.order
    if (!order || !order.payment || this.data.paying) return
    this.setData({ paying: true })
    wx.requestPayment({
      ...order.payment,
      success: () => this.confirmPaid(),
      fail: (res) => {
        this.setData({ paying: false })
        const cancelled = res.errMsg === 'requestPayment:fail cancel'
        wx.showToast({ title: cancelled ? '已取消 Cancelled' : '支付失败 Failed', icon: 'none' })
      },
    })
  },

  // requestPayment:ok is not proof of payment: wait for the shop's server to hear from WeChat Pay.
  async confirmPaid() {
    wx.showLoading({ title: '确认中 Confirming' })
    for (let i = 0; i < 30; i += 1) {
      const fresh = await this.refresh()
      if (fresh && fresh.status !== 'unpaid') break
      await sleep(500)
    }
    wx.hideLoading()
    this.setData({ paying: false })
    if (this.data.order.status !== 'unpaid') wx.showToast({ title: '支付成功 Paid', icon: 'success' })
  },

  onBackToMenu() {
    wx.switchTab({ url: '/pages/menu/menu' })
  },
})
