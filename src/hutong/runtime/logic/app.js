// @ts-check
/** App() and getApp(): the one application instance and its lifecycle. */
import { guard, setAppErrorHandler } from './errors.js';

/** @type {Record<string, any> | null} */
let instance = null;

/** @param {Record<string, any>} options */
export function App(options) {
  if (instance) throw new Error('App() may be called only once');
  // Keys other than the lifecycle (globalData, helpers) are reachable through `this` and getApp().
  instance = { ...(options || {}) };
}

export function hasApp() {
  return instance !== null;
}

/** @param {{allowDefault?: boolean}} [options] */
export function getApp(options) {
  if (!instance && options && options.allowDefault) instance = {};
  return instance;
}

/** Listeners added with wx.onAppShow, wx.onAppHide, wx.onError, … by lifecycle name. */
const listeners = /** @type {Record<string, Function[]>} */ ({
  onShow: [],
  onHide: [],
  onError: [],
  onPageNotFound: [],
  onUnhandledRejection: [],
  onThemeChange: [],
});

/** @param {string} name @param {Function} fn */
export function addAppListener(name, fn) {
  if (typeof fn === 'function') listeners[name].push(fn);
}

/** @param {string} name @param {Function} [fn] */
export function removeAppListener(name, fn) {
  listeners[name] = fn ? listeners[name].filter((l) => l !== fn) : [];
}

/** @param {string} name */
export function hasAppListeners(name) {
  return (listeners[name] || []).length > 0;
}

// Uncaught errors go to App.onError and the wx.onError listeners.
setAppErrorHandler((message) => callApp('onError', message));

/** The App's own hook, then the wx.on* listeners. @param {string} name @param {...any} args */
export function callApp(name, ...args) {
  const app = instance;
  let result;
  if (app && typeof app[name] === 'function') result = guard(() => app[name](...args));
  for (const listener of (listeners[name] || []).slice()) guard(() => listener(...args));
  return result;
}
