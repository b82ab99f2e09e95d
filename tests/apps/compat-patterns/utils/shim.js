// As libraries built for mini programs do: a window of the module's own, since WeChat gives none.
window = window || {};
window.fromShim = 'shim';
var seen = [typeof document, typeof self, typeof location, typeof navigator, typeof localStorage, typeof fetch, typeof WeixinJSBridge];
module.exports = { window: window, seen: seen };
