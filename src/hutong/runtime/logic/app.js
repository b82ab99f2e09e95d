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
  const app = instance;
  if (typeof app.onError === 'function') setAppErrorHandler((message) => app.onError(message));
}

export function hasApp() {
  return instance !== null;
}

/** @param {{allowDefault?: boolean}} [options] */
export function getApp(options) {
  if (!instance && options && options.allowDefault) instance = {};
  return instance;
}

/** @param {string} name @param {...any} args */
export function callApp(name, ...args) {
  const app = instance;
  if (app && typeof app[name] === 'function') return guard(() => app[name](...args));
  return undefined;
}
