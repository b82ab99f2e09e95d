// @ts-check
/** App() and getApp(): the one application instance and its lifecycle. */
import { guard, setAppErrorHandler } from './errors.js';

/** @type {Record<string, any> | null} */
let instance = null;

/** @param {Record<string, any>} options */
export function App(options) {
  if (instance) throw new Error('App() may be called only once');
  instance = { ...(options || {}) };
  const app = instance;
  if (typeof app.onError === 'function') setAppErrorHandler((message) => app.onError(message));
}

export function getApp() {
  return instance;
}

/** @param {string} name @param {...any} args */
export function callApp(name, ...args) {
  const app = instance;
  if (app && typeof app[name] === 'function') guard(() => app[name](...args));
}
