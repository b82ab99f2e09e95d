/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("shop/entry.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
getApp().globalData.entered = true

});
__hutong_define("shop/list/list.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {var __hutong_m0 = require("/shop/util.js"); var greet = __hutong_get(__hutong_m0, "greet"); 

const { upper } = require("/utils/format.js")

Page({
  data: { text: upper(greet('shop')), entry: String(getApp().globalData.entered) },
  onLoad(query) {
    this.setData({ x: query.x })
  },
})

});
__hutong_define("shop/util.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {Object.defineProperty(exports, "__esModule", {value: true}); __hutong_export(exports, "greet", function () { return greet; }); 
const greet = (name) => `hello ${name}`

});
