const shop = require('../../utils/shop.js')

// The brand's prices are the server's (examples/snacks-server); these are for display.
const MENU = [
  { id: 's1', name: '海苔薯片 Seaweed crisps', price: '12.00' },
  { id: 's2', name: '芒果干 Dried mango', price: '18.00' },
  { id: 's3', name: '坚果礼盒 Nut box', price: '48.00' },
]

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

Page({
  data: { menu: MENU, order: null, status: '', busy: false },

  async onBuy(event) {
    if (this.data.busy) return
    this.setData({ busy: true, status: '' })
    try {
      const { order, payment } = await shop.createOrder([{ id: event.currentTarget.dataset.id, count: 1 }])
      this.setData({ order })
      wx.requestPayment({
        ...payment,
        success: () => this.confirmPaid(order.id),
        fail: (res) => this.setData({ busy: false, status: res.errMsg }),
      })
    } catch (error) {
      this.setData({ busy: false, status: error.message })
    }
  },

  // requestPayment:ok is not proof of payment: wait until the brand's server has WeChat Pay's notification.
  async confirmPaid(id) {
    for (let i = 0; i < 30; i += 1) {
      const order = await shop.getOrder(id).catch(() => null)
      if (order && order.status !== 'unpaid') {
        this.setData({ order, busy: false, status: '已支付 Paid' })
        return
      }
      await sleep(500)
    }
    this.setData({ busy: false, status: '确认中 Still confirming' })
  },
})
