// The cart lives in storage, so it survives closing the mini program.
const menu = require('./menu.js')

const KEY = 'tea-cart'
let lines = {}

function load() {
  lines = wx.getStorageSync(KEY) || {}
}

function save() {
  wx.setStorageSync(KEY, lines)
}

function set(productId, count) {
  if (count > 0) lines[productId] = count
  else delete lines[productId]
  save()
}

function count(productId) {
  return lines[productId] || 0
}

function items() {
  return Object.keys(lines).map((id) => {
    const product = menu.find(id)
    return { id, name: product.name, price: product.price, count: lines[id], total: product.price * lines[id] }
  })
}

function summary() {
  const list = items()
  return {
    count: list.reduce((sum, item) => sum + item.count, 0),
    total: list.reduce((sum, item) => sum + item.total, 0),
  }
}

function clear() {
  lines = {}
  save()
}

module.exports = { load, set, count, items, summary, clear }
