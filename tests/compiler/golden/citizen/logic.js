/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({
  globalData: {
    services: [
      { id: 'id-card', name: '身份证办理 ID card', hall: '市民中心 1 号厅' },
      { id: 'residence', name: '居住证 Residence permit', hall: '市民中心 2 号厅' },
      { id: 'business', name: '营业执照 Business licence', hall: '政务服务中心' },
    ],
  },
})

});
__hutong_define("components/status-step/status-step.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Component({
  properties: {
    title: String,
    time: String,
    state: { type: String, value: 'todo' },
    last: Boolean,
  },
})

});
__hutong_define("pages/appointment/appointment.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const SLOTS = ['09:00', '09:30', '10:00', '10:30', '14:00', '14:30', '15:00', '15:30']

Page({
  data: {
    service: null,
    days: [],
    day: 0,
    slots: SLOTS,
    slot: -1,
    done: false,
  },

  onLoad(query) {
    const service = getApp().globalData.services.find((item) => item.id === query.service)
    const days = []
    for (let i = 1; i <= 5; i++) {
      const date = new Date(Date.now() + i * 24 * 3600 * 1000)
      days.push(`${date.getMonth() + 1}/${date.getDate()}`)
    }
    this.setData({ service, days })
    wx.setNavigationBarTitle({ title: service ? service.name : '预约' })
  },

  onDay(event) {
    this.setData({ day: Number(event.currentTarget.dataset.index), slot: -1 })
  },

  onSlot(event) {
    this.setData({ slot: Number(event.currentTarget.dataset.index) })
  },

  onConfirm() {
    if (this.data.slot < 0) {
      wx.showToast({ title: '请选择时间 Pick a time', icon: 'none' })
      return
    }
    wx.requestSubscribeMessage({
      tmplIds: ['appointment-reminder'],
      complete: () => {
        const appointment = {
          service: this.data.service.name,
          hall: this.data.service.hall,
          when: `${this.data.days[this.data.day]} ${this.data.slots[this.data.slot]}`,
        }
        wx.setStorageSync('appointment', appointment)
        this.setData({ done: true })
      },
    })
  },
})

});
__hutong_define("pages/index/index.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    services: getApp().globalData.services,
  },

  onBook(event) {
    wx.navigateTo({ url: `/pages/appointment/appointment?service=${event.currentTarget.dataset.id}` })
  },

  onDeclare() {
    wx.navigateTo({ url: '/declare/pages/form/form' })
  },

  onProgress() {
    wx.navigateTo({ url: '/pages/progress/progress' })
  },
})

});
__hutong_define("pages/progress/progress.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
Page({
  data: {
    declaration: null,
    steps: [],
  },

  onShow() {
    const declaration = wx.getStorageSync('declaration') || null
    const steps = [
      { title: '已提交 Submitted', time: declaration ? declaration.submittedAt : '', state: declaration ? 'done' : 'todo' },
      { title: '受理中 Under review', time: '', state: declaration ? 'current' : 'todo' },
      { title: '已办结 Completed', time: '', state: 'todo' },
    ]
    this.setData({ declaration, steps })
  },
})

});
