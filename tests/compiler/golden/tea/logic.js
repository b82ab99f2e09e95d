/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const cart = require("/utils/cart.js")

App({
  onLaunch(options) {
    this.globalData.scene = options.scene
    if (options.query && options.query.backend) this.globalData.backend = decodeURIComponent(options.query.backend)
    this.globalData.shareTicket = options.shareTicket || ''
    cart.load()
  },
  onShow(options) {
    // Opened again from a group's card: that group's ticket (scene 1044).
    if (options && options.shareTicket) this.globalData.shareTicket = options.shareTicket
  },
  globalData: {
    shopName: '茶小铺',
    scene: 0,
    backend: '',
    shareTicket: '',
    group: null,
  },
})

});
__hutong_define("components/product-card/product-card.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Component({
  options: {
    multipleSlots: true,
  },
  externalClasses: ['card-class'],
  properties: {
    product: Object,
    count: { type: Number, value: 0 },
  },
  methods: {
    onChange(event) {
      this.triggerEvent('countchange', { id: this.data.product.id, value: event.detail.value })
    },
  },
})

});
__hutong_define("components/stepper/stepper.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// A count with − and + buttons; tells its parent with a `change` event.
Component({
  properties: {
    value: { type: Number, value: 0 },
    max: { type: Number, value: 99 },
  },
  methods: {
    minus() {
      if (this.data.value > 0) this.triggerEvent('change', { value: this.data.value - 1 })
    },
    plus() {
      if (this.data.value < this.data.max) this.triggerEvent('change', { value: this.data.value + 1 })
    },
  },
})

});
__hutong_define("pages/cart/cart.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const cart = require("/utils/cart.js")
const orders = require("/utils/orders.js")
const shop = require("/utils/shop.js")

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

});
__hutong_define("pages/me/me.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const orders = require("/utils/orders.js")

Page({
  data: {
    shopName: getApp().globalData.shopName,
    orderCount: 0,
    points: 0,
  },

  onShow() {
    const list = orders.all()
    const paid = list.filter((order) => order.status === 'paid')
    this.setData({
      orderCount: list.length,
      points: Math.floor(paid.reduce((sum, order) => sum + order.total, 0) / 100),
    })
  },

  onCall() {
    wx.makePhoneCall({ phoneNumber: '4001234567' })
  },
})

});
__hutong_define("pages/menu/menu.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const menu = require("/utils/menu.js")
const cart = require("/utils/cart.js")
const shop = require("/utils/shop.js")

Page({
  data: {
    categories: [],
    active: 'milk',
    counts: {},
    summary: { count: 0, total: 0 },
    shop: null,
    banners: ['新品上市 · 芋泥波波', '第二杯半价 · 每周三', '会员积分兑好礼'],
    group: null,
  },

  onLoad() {
    // Shared into a group, the menu carries a shareTicket: the shop learns which group brought whom.
    wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage'] })
    // A service provider deploys this shop as a template: each merchant's name, specials and colour
    // come from the ext it committed (WeChat's ext.json); {} when the app is nobody's template.
    const ext = wx.getExtConfigSync ? wx.getExtConfigSync() : {}
    const shop = ext.shopName
      ? { name: ext.shopName, menu: ext.menu || [], colour: ext.colour || '#b5651d' }
      : null
    this.setData({ categories: menu.byCategory(), shop })
  },

  onShow() {
    this.refresh()
    this.showGroup()
  },

  // Opened from a group's card: the shop's server says which group (its openGId) brought us here.
  showGroup() {
    const app = getApp()
    const ticket = app.globalData.shareTicket
    if (!ticket || (app.globalData.group && app.globalData.group.ticket === ticket)) return
    shop
      .enterGroup(ticket)
      .then((group) => {
        app.globalData.group = { ...group, ticket }
        this.setData({ group })
      })
      .catch((error) => console.warn('group:', error.message))
  },

  refresh() {
    const counts = {}
    this.data.categories.forEach((category) =>
      category.products.forEach((product) => {
        counts[product.id] = cart.count(product.id)
      }),
    )
    this.setData({ counts, summary: cart.summary() })
  },

  onPickCategory(event) {
    this.setData({ active: event.currentTarget.dataset.id })
  },

  onCountChange(event) {
    const { id, value } = event.detail
    cart.set(id, value)
    this.refresh()
  },

  onCheckout() {
    if (this.data.summary.count === 0) {
      wx.showToast({ title: '先选一杯吧 Pick a drink', icon: 'none' })
      return
    }
    wx.navigateTo({ url: '/pages/cart/cart' })
  },

  onShareAppMessage() {
    // A shop pointed at another back end (the `backend` launch query) shares that with the card.
    const backend = getApp().globalData.backend
    const query = backend ? `?backend=${encodeURIComponent(backend)}` : ''
    return { title: '茶小铺：一起喝奶茶', path: `/pages/menu/menu${query}` }
  },
})

});
__hutong_define("pages/order/order.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const orders = require("/utils/orders.js")
const shop = require("/utils/shop.js")

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

});
__hutong_define("pages/orders/orders.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const orders = require("/utils/orders.js")
const shop = require("/utils/shop.js")

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

});
__hutong_define("utils/cart.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// The cart lives in storage, so it survives closing the mini program.
const menu = require("/utils/menu.js")

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

});
__hutong_define("utils/menu.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// The shop's menu. A real shop loads this with wx.request from its own server.
const categories = [
  { id: 'milk', name: '奶茶 Milk tea' },
  { id: 'fruit', name: '果茶 Fruit tea' },
  { id: 'extras', name: '小料 Toppings' },
]

const products = [
  { id: 'm1', category: 'milk', name: '珍珠奶茶 Pearl milk tea', price: 1500, tags: ['招牌'] },
  { id: 'm2', category: 'milk', name: '黑糖鲜奶 Brown sugar milk', price: 1800, tags: [] },
  { id: 'm3', category: 'milk', name: '芋泥波波 Taro boba', price: 1900, tags: ['新品'] },
  { id: 'f1', category: 'fruit', name: '满杯百香果 Passion fruit', price: 1600, tags: [] },
  { id: 'f2', category: 'fruit', name: '杨枝甘露 Mango pomelo', price: 2200, tags: ['招牌'] },
  { id: 'e1', category: 'extras', name: '加珍珠 Extra pearls', price: 200, tags: [] },
]

function byCategory() {
  return categories.map((category) => ({
    ...category,
    products: products.filter((product) => product.category === category.id),
  }))
}

function find(id) {
  return products.find((product) => product.id === id)
}

module.exports = { byCategory, find }

});
__hutong_define("utils/orders.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
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

});
__hutong_define("utils/shop.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// The shop's own back end (examples/tea-server): it makes the WeChat Pay order and signs the payment
// parameters; the mini program never holds a merchant key. `make demo` runs it on 127.0.0.1:8001 and
// allows it as a request domain; a `backend` launch query points elsewhere (only allowed domains work).
const DEFAULT_BACKEND = 'http://127.0.0.1:8001'

function base() {
  const app = getApp()
  return (app && app.globalData.backend) || DEFAULT_BACKEND
}

function call(options) {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      url: base() + options.url,
      success: (res) => (res.statusCode === 200 ? resolve(res.data) : reject(new Error((res.data && res.data.error) || `HTTP ${res.statusCode}`))),
      fail: (err) => reject(new Error(err.errMsg)),
    })
  })
}

function login() {
  return new Promise((resolve, reject) => wx.login({ success: (res) => resolve(res.code), fail: reject }))
}

// Create the order on the shop's server: it answers the order and the wx.requestPayment parameters.
async function createOrder(items, remark, pickup) {
  const code = await login()
  return call({
    url: '/api/orders',
    method: 'POST',
    data: { code, items: items.map((item) => ({ id: item.id, count: item.count })), remark, pickup },
  })
}

function getOrder(id) {
  return call({ url: `/api/orders/${id}`, method: 'GET' })
}

function shareInfo(shareTicket) {
  return new Promise((resolve, reject) => wx.getShareInfo({ shareTicket, success: resolve, fail: reject }))
}

// Which group brought this customer: log in on the shop's server first (it keeps the session_key),
// then wx.getShareInfo, whose data only that server can decrypt into the group's openGId.
async function enterGroup(shareTicket) {
  const { token } = await call({ url: '/api/login', method: 'POST', data: { code: await login() } })
  const { encryptedData, iv } = await shareInfo(shareTicket)
  return call({ url: '/api/share/group', method: 'POST', data: { token, encryptedData, iv } })
}

module.exports = { createOrder, getOrder, enterGroup }

});
