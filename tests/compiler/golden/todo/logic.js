/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({
  onLaunch() {
    this.globalData.launchedAt = Date.now()
  },
  globalData: {},
})

});
__hutong_define("pages/index/index.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const STORAGE_KEY = 'todos'

Page({
  data: {
    todos: [],
    draft: '',
    filter: 'all',
    left: 0,
  },

  onLoad() {
    const saved = wx.getStorageSync(STORAGE_KEY) || []
    this.update(saved)
  },

  update(todos) {
    wx.setStorageSync(STORAGE_KEY, todos)
    this.setData({ todos, left: todos.filter((todo) => !todo.done).length })
  },

  onInput(event) {
    this.setData({ draft: event.detail.value })
  },

  onAdd() {
    const title = this.data.draft.trim()
    if (!title) {
      wx.showToast({ title: 'Write something first', icon: 'none' })
      return
    }
    const todo = { id: Date.now(), title, done: false }
    this.update([todo, ...this.data.todos])
    this.setData({ draft: '' })
  },

  onToggle(event) {
    const { id } = event.currentTarget.dataset
    this.update(this.data.todos.map((todo) => (todo.id === id ? { ...todo, done: !todo.done } : todo)))
  },

  onRemove(event) {
    const { id } = event.currentTarget.dataset
    this.update(this.data.todos.filter((todo) => todo.id !== id))
  },

  onFilter(event) {
    this.setData({ filter: event.currentTarget.dataset.filter })
  },

  onClearDone() {
    this.update(this.data.todos.filter((todo) => !todo.done))
  },
})

});
