/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const doctors = [
  { id: 'd1', name: '王医生 Dr Wang', dept: '全科 General', title: '主任医师', rating: 4.9, fee: 50, online: true },
  { id: 'd2', name: '李医生 Dr Li', dept: '儿科 Paediatrics', title: '副主任医师', rating: 4.8, fee: 40, online: true },
  { id: 'd3', name: '陈医生 Dr Chen', dept: '皮肤科 Dermatology', title: '主治医师', rating: 4.7, fee: 30, online: false },
  { id: 'd4', name: '赵医生 Dr Zhao', dept: '全科 General', title: '主治医师', rating: 4.6, fee: 30, online: true },
]

App({
  globalData: { doctors },
})

});
__hutong_define("config.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// Where the clinic's own back end answers (examples/clinic-backend/server.py, started by `make demo`).
// A clinic deploying this sets its server's address here and lists it among the app's request domains.
module.exports = {
  api: 'http://127.0.0.1:8701',
}

});
__hutong_define("pages/booked/booked.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    booking: null,
  },

  onLoad() {
    this.setData({ booking: wx.getStorageSync('consultation') || null })
  },

  onReport() {
    // The report template is long-term (medical): "always keep" means it is asked once.
    wx.requestSubscribeMessage({
      tmplIds: ['consultation-report'],
      success: (res) => {
        const on = res['consultation-report'] === 'accept'
        wx.showToast({ title: on ? '已订阅 Subscribed' : '未订阅 Not subscribed', icon: 'none' })
      },
    })
  },

  onHome() {
    wx.reLaunch({ url: '/pages/doctors/doctors' })
  },
})

});
__hutong_define("pages/doctor/doctor.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const { api } = require("/config.js")

Page({
  data: {
    doctor: null,
    times: ['今天 19:00', '今天 20:00', '明天 09:00', '明天 10:00'],
    time: 0,
    symptoms: '',
  },

  onLoad(query) {
    const doctor = getApp().globalData.doctors.find((item) => item.id === query.id)
    this.setData({ doctor })
  },

  onTime(event) {
    this.setData({ time: Number(event.detail.value) })
  },

  onSymptoms(event) {
    this.setData({ symptoms: event.detail.value })
  },

  onBook() {
    const { doctor, times, time, symptoms } = this.data
    if (symptoms.trim().length < 4) {
      wx.showToast({ title: '请描述症状 Describe your symptoms', icon: 'none' })
      return
    }
    // Ask inside the tap, then tell the clinic's back end, which sends the reminder before the visit
    // (with the patient's openid, from the wx.login code it exchanges).
    wx.requestSubscribeMessage({
      tmplIds: ['consultation-reminder'],
      complete: () => {
        const booking = { doctor: doctor.name, when: times[time], fee: doctor.fee, symptoms }
        wx.login({
          success: ({ code }) => {
            wx.request({
              url: `${api}/bookings`,
              method: 'POST',
              data: { ...booking, code },
              success: (res) => this.booked({ ...booking, id: res.statusCode === 201 ? res.data.id : '' }),
              fail: () => this.booked({ ...booking, id: '' }),
            })
          },
          fail: () => this.booked({ ...booking, id: '' }),
        })
      },
    })
  },

  /** @param {{id: string}} booking (no id when the clinic's server could not be reached) */
  booked(booking) {
    wx.setStorageSync('consultation', booking)
    wx.redirectTo({ url: `/pages/booked/booked?id=${booking.id}` })
  },
})

});
__hutong_define("pages/doctors/doctors.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    depts: ['全部 All', '全科 General', '儿科 Paediatrics', '皮肤科 Dermatology'],
    dept: 0,
    doctors: [],
    keyword: '',
  },

  onLoad() {
    this.filter()
  },

  filter() {
    const { depts, dept, keyword } = this.data
    const doctors = getApp().globalData.doctors.filter(
      (doctor) =>
        (dept === 0 || doctor.dept === depts[dept]) && (!keyword || doctor.name.indexOf(keyword) >= 0),
    )
    this.setData({ doctors })
  },

  onDept(event) {
    this.setData({ dept: Number(event.currentTarget.dataset.index) })
    this.filter()
  },

  onSearch(event) {
    this.setData({ keyword: event.detail.value.trim() })
    this.filter()
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/doctor/doctor?id=${event.currentTarget.dataset.id}` })
  },
})

});
