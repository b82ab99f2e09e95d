/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({
  globalData: {},
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

function claimed() {
  return wx.getStorageSync('coupons') || []
}

Page({
  data: {
    coupons: [],
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
