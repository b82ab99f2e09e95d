// Orders the user placed, kept in storage; the shop's server has the truth about payment.
const KEY = 'tea-orders'

function all() {
  return wx.getStorageSync(KEY) || []
}

function add(order) {
  const list = [order, ...all().filter((existing) => existing.id !== order.id)]
  wx.setStorageSync(KEY, list)
  return order
}

function get(id) {
  return all().find((order) => order.id === id)
}

function update(id, changes) {
  const list = all().map((order) => (order.id === id ? { ...order, ...changes } : order))
  wx.setStorageSync(KEY, list)
  return list.find((order) => order.id === id)
}

function label(status) {
  return {
    unpaid: '待支付 Unpaid',
    paid: '已支付 Paid',
    'partly refunded': '部分退款 Partly refunded',
    refunded: '已退款 Refunded',
  }[status] || status
}

module.exports = { all, add, get, update, label }
