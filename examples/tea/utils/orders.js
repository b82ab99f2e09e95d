const KEY = 'tea-orders'

function all() {
  return wx.getStorageSync(KEY) || []
}

function add(order) {
  const list = [order, ...all()]
  wx.setStorageSync(KEY, list)
  return order
}

function get(id) {
  return all().find((order) => order.id === id)
}

module.exports = { all, add, get }
