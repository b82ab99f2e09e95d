/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({
  // A campaign link (a poster, a share) opens snacks with the brand's back end and the voucher stock it
  // hands out: ?stock=<stock_id>[&backend=<url>]; without stock, the back end names the one it offers.
  onLaunch(options) {
    const query = (options && options.query) || {}
    if (query.backend) this.globalData.backend = decodeURIComponent(query.backend)
    if (query.stock) this.globalData.stock = String(query.stock)
  },
  globalData: { backend: '', stock: '' },
})

});
__hutong_define("pages/index/campaign.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// This week's campaign. A real brand serves it from its server with wx.request.
module.exports = [
  { id: 'c10', title: '满 50 减 10 · 全场零食', amount: 10, threshold: 50, stock: 500, days: 7 },
  { id: 'c5', title: '薯片第二件 5 元', amount: 5, threshold: 0, stock: 300, days: 3 },
  { id: 'c20', title: '新店开业 满 99 减 20', amount: 20, threshold: 99, stock: 100, days: 14 },
]

});
__hutong_define("pages/index/index.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const campaign = require("/pages/index/campaign.js")
const shop = require("/utils/shop.js")

function claimed() {
  return wx.getStorageSync('coupons') || []
}

Page({
  data: {
    coupons: [],
    voucher: { stock: '', params: [], sign: '', merchant: '', status: '' },
  },

  onLoad() {
    const stock = getApp().globalData.stock
    if (stock) this.signVoucher(stock)
    else this.offerVoucher()
  },

  // No ?stock= in the link: the stock the brand's back end offers, if it runs one.
  async offerVoucher() {
    try {
      const offer = await shop.offeredStock()
      if (offer && offer.stock_id) this.signVoucher(String(offer.stock_id))
    } catch (error) {
      // No back end, or an older one: the page works without the voucher section.
    }
  },

  // A fresh sign for each claim: its out_request_no is one claim.
  async signVoucher(stock) {
    try {
      const signed = await shop.signCoupons(stock)
      this.setData({
        voucher: {
          stock,
          params: signed.send_coupon_params,
          sign: signed.sign,
          merchant: signed.send_coupon_merchant,
          status: '',
        },
      })
    } catch (error) {
      this.setData({ voucher: { stock: '', params: [], sign: '', merchant: '', status: error.message } })
    }
  },

  onVoucherSent(event) {
    const results = (event.detail && event.detail.send_coupon_result) || []
    const ok = event.detail.errcode === 'OK' && results.length > 0 && results[0].code === 'SUCCESS'
    this.setData({ 'voucher.status': ok ? '已领取，下单时自动抵扣 Claimed: applied when you pay' : (results[0] && results[0].message) || event.detail.msg || '' })
  },

  onShow() {
    const mine = claimed().map((coupon) => coupon.campaignId)
    this.setData({
      coupons: campaign.map((coupon) => ({ ...coupon, claimed: mine.indexOf(coupon.id) >= 0 })),
    })
  },

  onClaim(event) {
    const { id } = event.currentTarget.dataset
    const coupon = campaign.find((item) => item.id === id)
    const code = `${id.toUpperCase()}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`
    const expires = Date.now() + coupon.days * 24 * 3600 * 1000
    wx.setStorageSync('coupons', [
      { code, campaignId: id, title: coupon.title, amount: coupon.amount, expires, used: false },
      ...claimed(),
    ])
    wx.showToast({ title: '领取成功 Claimed', icon: 'success' })
    this.onShow()
  },

  // "Use now" on the claim sheet: straight to the shop, where the payment sheet applies the voucher.
  onUseNow() {
    wx.switchTab({ url: '/pages/shop/shop' })
  },

  onShareAppMessage() {
    return { title: '零食派送券啦！', path: '/pages/index/index' }
  },
})

});
__hutong_define("pages/mine/mine.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    coupons: [],
  },

  onShow() {
    const now = Date.now()
    const coupons = (wx.getStorageSync('coupons') || []).map((coupon) => ({
      ...coupon,
      expired: coupon.expires < now,
      until: new Date(coupon.expires).toLocaleDateString(),
    }))
    this.setData({ coupons })
  },

  onUse(event) {
    wx.navigateTo({ url: `/pages/redeem/redeem?code=${event.currentTarget.dataset.code}` })
  },
})

});
__hutong_define("pages/redeem/redeem.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    coupon: null,
  },

  onLoad(query) {
    const coupon = (wx.getStorageSync('coupons') || []).find((item) => item.code === query.code)
    this.setData({ coupon: coupon || null })
  },

  onStaffScan() {
    // The shop assistant scans the code at the till; here the customer can also scan the till's code.
    wx.scanCode({
      success: (res) => {
        if (res.result.indexOf('redeem') < 0) {
          wx.showToast({ title: '不是核销码 Not a till code', icon: 'none' })
          return
        }
        this.markUsed()
      },
    })
  },

  markUsed() {
    const coupons = (wx.getStorageSync('coupons') || []).map((item) =>
      item.code === this.data.coupon.code ? { ...item, used: true } : item,
    )
    wx.setStorageSync('coupons', coupons)
    this.setData({ 'coupon.used': true })
    wx.showToast({ title: '已核销 Redeemed', icon: 'success' })
  },
})

});
__hutong_define("pages/shop/shop.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const shop = require("/utils/shop.js")

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

});
__hutong_define("utils/shop.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// The brand's own back end (examples/snacks-server): it makes the WeChat Pay order, signs the payment
// parameters and the send-coupon plugin's parameters; the mini program never holds a merchant key.
// `hutong demo` runs it on 127.0.0.1:8002; a `backend` launch query points elsewhere.
const DEFAULT_BACKEND = 'http://127.0.0.1:8002'

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

// The order and its wx.requestPayment parameters, priced by the server. A voucher is not named here:
// WeChat's payment sheet applies the best one the user holds.
async function createOrder(items) {
  const code = await login()
  return call({ url: '/api/orders', method: 'POST', data: { code, items } })
}

function getOrder(id) {
  return call({ url: `/api/orders/${id}`, method: 'GET' })
}

// <send-coupon>'s send_coupon_params, send_coupon_merchant and sign for one of the brand's stocks.
function signCoupons(stockId) {
  return call({ url: '/api/coupons/sign', method: 'POST', data: { stock_id: stockId } })
}

// The voucher stock the brand hands out when the launch link names none ({ stock_id }, '' for none).
function offeredStock() {
  return call({ url: '/api/coupons/offer', method: 'GET' })
}

module.exports = { createOrder, getOrder, signCoupons, offeredStock }

});
