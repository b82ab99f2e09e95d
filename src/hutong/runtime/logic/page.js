// @ts-check
/** Page(): definitions, instances, lifecycle and setData. */
import { parsePath, setPath } from '../common/data-path.js';
import { send } from './bridge.js';
import { guard } from './errors.js';

const SET_DATA_LIMIT = 1024 * 1024;
const LIFECYCLE = new Set(['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload']);

/** @type {Map<string, Record<string, any>>} */
const definitions = new Map();
/** @type {string | null} */
let registering = null;
/** @type {Map<number, PageInstance>} */
export const instances = new Map();
/** @type {PageInstance[]} */
export const stack = [];

/** Set by the module loader: which route's module is running now. @param {string | null} route */
export function setRegistering(route) {
  registering = route;
}

/** @param {Record<string, any>} options */
export function Page(options) {
  if (!registering) throw new Error('Page() must be called in a page file');
  definitions.set(registering, options || {});
}

/** @param {string} route */
export function hasDefinition(route) {
  return definitions.has(route);
}

function deepCopy(/** @type {any} */ value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export class PageInstance {
  /** @param {number} id @param {string} route @param {Record<string, string>} query */
  constructor(id, route, query) {
    const options = definitions.get(route) || {};
    this.__id = id;
    this.__seq = 0;
    /** @type {Record<string, any> | null} */
    this.__pending = null;
    /** @type {Map<number, Function[]>} */
    this.__callbacks = new Map();
    /** @type {Function[]} */
    this.__pendingCallbacks = [];
    this.route = route;
    this.options = query;
    this.data = deepCopy(options.data) || {};
    for (const [key, value] of Object.entries(options)) {
      if (key === 'data') continue;
      /** @type {any} */ (this)[key] = typeof value === 'function' || LIFECYCLE.has(key) ? value : deepCopy(value);
    }
  }

  /**
   * Change data now; the view follows asynchronously, batched per tick.
   * @param {Record<string, any>} changes
   * @param {Function} [callback] runs after the view has rendered
   */
  setData(changes, callback) {
    if (changes === null || typeof changes !== 'object') throw new TypeError('setData expects an object');
    const serialised = JSON.stringify(changes);
    if (serialised.length > SET_DATA_LIMIT) {
      throw new Error(`setData: data exceeds 1024 kB (${Math.round(serialised.length / 1024)} kB)`);
    }
    const copy = JSON.parse(serialised);
    for (const [path, value] of Object.entries(changes)) {
      if (value === undefined) continue; // WeChat drops undefined values, with a warning
      setPath(this.data, parsePath(path), value);
    }
    if (!this.__pending) {
      this.__pending = {};
      queueMicrotask(() => this.__flush());
    }
    Object.assign(this.__pending, copy);
    if (callback) this.__pendingCallbacks.push(callback);
  }

  __flush() {
    const changes = this.__pending;
    this.__pending = null;
    if (!changes) return;
    this.__seq += 1;
    if (this.__pendingCallbacks.length) {
      this.__callbacks.set(this.__seq, this.__pendingCallbacks);
      this.__pendingCallbacks = [];
    }
    send({ t: 'page:data', id: this.__id, seq: this.__seq, data: JSON.stringify(changes) });
  }

  /** The view rendered up to `seq`: run the callbacks that waited for it. @param {number} seq */
  __rendered(seq) {
    for (const [done, callbacks] of this.__callbacks) {
      if (done > seq) continue;
      this.__callbacks.delete(done);
      for (const callback of callbacks) guard(() => callback.call(this));
    }
  }

  /** @param {string} name @param {...any} args */
  __call(name, ...args) {
    const method = /** @type {any} */ (this)[name];
    if (typeof method === 'function') return guard(() => method.apply(this, args));
    return undefined;
  }
}
