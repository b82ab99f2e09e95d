/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
App({})

});
__hutong_define("pages/index/calc.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
// The calculator's state machine, kept apart from the page so that it reads like plain logic.
const OPERATORS = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '×': (a, b) => a * b,
  '÷': (a, b) => (b === 0 ? NaN : a / b),
}

function format(value) {
  if (!isFinite(value)) return 'Error'
  const rounded = Math.round(value * 1e10) / 1e10
  const text = String(rounded)
  return text.length > 12 ? rounded.toExponential(6) : text
}

function initial() {
  return { display: '0', stored: null, operator: null, fresh: true }
}

function press(state, key) {
  if (key === 'C') return initial()
  if (/^[0-9]$/.test(key)) {
    const display = state.fresh || state.display === '0' ? key : state.display + key
    return { ...state, display, fresh: false }
  }
  if (key === '.') {
    if (state.fresh) return { ...state, display: '0.', fresh: false }
    if (state.display.indexOf('.') >= 0) return state
    return { ...state, display: state.display + '.' }
  }
  if (key === '±') return { ...state, display: format(-Number(state.display)) }
  if (key === '%') return { ...state, display: format(Number(state.display) / 100) }
  const current = Number(state.display)
  const result =
    state.operator && !state.fresh ? OPERATORS[state.operator](state.stored, current) : current
  if (key === '=') {
    return { display: format(result), stored: null, operator: null, fresh: true }
  }
  return { display: format(result), stored: result, operator: key, fresh: true }
}

module.exports = { initial, press }

});
__hutong_define("pages/index/index.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const { initial, press } = require("/pages/index/calc.js")

const KEYS = [
  ['C', '±', '%', '÷'],
  ['7', '8', '9', '×'],
  ['4', '5', '6', '-'],
  ['1', '2', '3', '+'],
  ['0', '.', '='],
]

Page({
  data: {
    rows: KEYS,
    display: '0',
    operator: '',
  },

  onLoad() {
    this.state = initial()
  },

  onKey(event) {
    const { key } = event.currentTarget.dataset
    this.state = press(this.state, key)
    this.setData({ display: this.state.display, operator: this.state.operator || '' })
  },
})

});
