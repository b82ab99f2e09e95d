/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({
  onLaunch(options) {
    // The merchant watches how many inquiries become hires; the launch scene says where people came from.
    this.globalData.scene = options.scene
  },
  globalData: {
    scene: 0,
    inquiry: null,
  },
})

});
__hutong_define("pages/booking/booking.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    total: 0,
    name: '',
    phone: '',
    booked: false,
    bookingId: '',
  },

  onLoad(query) {
    this.setData({ total: Number(query.total) || 0 })
  },

  onSubmit(event) {
    const { name, phone } = event.detail.value
    if (!name || !/^1\d{10}$/.test(phone)) {
      wx.showModal({ title: '请检查 Check', content: '请填写姓名和 11 位手机号 Name and an 11-digit phone', showCancel: false })
      return
    }
    const booking = {
      id: 'M' + Date.now(),
      name,
      phone,
      total: this.data.total,
      inquiry: getApp().globalData.inquiry,
    }
    const all = wx.getStorageSync('bookings') || []
    wx.setStorageSync('bookings', [booking, ...all])
    this.setData({ booked: true, bookingId: booking.id, name, phone })
  },
})

});
__hutong_define("pages/index/index.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const { SIZES, EXTRAS } = require("/utils/pricing.js")

function today() {
  const date = new Date(Date.now() + 24 * 3600 * 1000)
  const pad = (n) => (n < 10 ? '0' + n : '' + n)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

Page({
  data: {
    sizes: SIZES,
    extras: EXTRAS,
    form: {
      from: '',
      to: '',
      size: 1,
      date: today(),
      floor: 1,
      lift: true,
      distance: 10,
      extras: [],
    },
    minDate: today(),
  },

  onField(event) {
    const { field } = event.currentTarget.dataset
    this.setData({ [`form.${field}`]: event.detail.value })
  },

  onSize(event) {
    this.setData({ 'form.size': Number(event.detail.value) })
  },

  onLift(event) {
    this.setData({ 'form.lift': event.detail.value })
  },

  onExtras(event) {
    this.setData({ 'form.extras': event.detail.value })
  },

  onSubmit(event) {
    const form = { ...this.data.form, ...event.detail.value }
    if (!form.from || !form.to) {
      wx.showToast({ title: '请填写地址 Add both addresses', icon: 'none' })
      return
    }
    getApp().globalData.inquiry = form
    wx.navigateTo({ url: '/pages/quote/quote' })
  },
})

});
__hutong_define("pages/quote/quote.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const { SIZES, quote } = require("/utils/pricing.js")

Page({
  data: {
    inquiry: null,
    sizeName: '',
    quote: null,
  },

  onLoad() {
    const inquiry = getApp().globalData.inquiry
    if (!inquiry) {
      wx.redirectTo({ url: '/pages/index/index' })
      return
    }
    this.setData({ inquiry, sizeName: SIZES[inquiry.size], quote: quote(inquiry) })
  },

  onBook() {
    wx.navigateTo({ url: `/pages/booking/booking?total=${this.data.quote.total}` })
  },

  onCall() {
    wx.makePhoneCall({ phoneNumber: '4008008000' })
  },
})

});
__hutong_define("utils/pricing.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// A simple quote: a base price per home size, plus distance, floors without a lift, and extras.
const SIZES = ['单间 Studio', '一居 1 bedroom', '两居 2 bedrooms', '三居+ 3+ bedrooms']
const BASE = [299, 499, 799, 1199]
const EXTRAS = [
  { id: 'pack', name: '打包服务 Packing', price: 200 },
  { id: 'piano', name: '钢琴搬运 Piano', price: 500 },
  { id: 'clean', name: '新家保洁 Cleaning', price: 150 },
]

function quote(inquiry) {
  const base = BASE[inquiry.size] || BASE[0]
  const distance = Math.max(0, Number(inquiry.distance) - 10) * 8
  const stairs = inquiry.lift ? 0 : Math.max(0, Number(inquiry.floor) - 1) * 40
  const extras = EXTRAS.filter((extra) => inquiry.extras.indexOf(extra.id) >= 0).reduce(
    (sum, extra) => sum + extra.price,
    0,
  )
  const lines = [
    { name: '基础价 Base', amount: base },
    { name: '距离 Distance', amount: distance },
    { name: '楼层 Stairs', amount: stairs },
    { name: '增值服务 Extras', amount: extras },
  ]
  return { lines, total: lines.reduce((sum, line) => sum + line.amount, 0) }
}

module.exports = { SIZES, EXTRAS, quote }

});
