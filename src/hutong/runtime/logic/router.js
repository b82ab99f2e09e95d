// @ts-check
/**
 * Routing seen from the logic thread: URLs relative to the current page, and the EventChannel that
 * links a page opened by navigateTo with its opener. The host owns the page stack itself.
 */

/** Two linked ends: what one end emits, the other end's listeners hear. */
export class EventChannel {
  constructor() {
    /** @type {Map<string, {fn: Function, once: boolean}[]>} */
    this.listeners = new Map();
    /** @type {Map<string, any[][]>} emitted before anyone listened; delivered on `on` */
    this.buffered = new Map();
    /** @type {EventChannel | null} */
    this.peer = null;
  }

  /** @param {string} name @param {Function} fn */
  on(name, fn) {
    return this.add(name, fn, false);
  }

  /** @param {string} name @param {Function} fn */
  once(name, fn) {
    return this.add(name, fn, true);
  }

  /** @param {string} name @param {Function} fn @param {boolean} once */
  add(name, fn, once) {
    const list = this.listeners.get(name) || [];
    list.push({ fn, once });
    this.listeners.set(name, list);
    const waiting = this.buffered.get(name);
    if (waiting) {
      this.buffered.delete(name);
      for (const args of waiting) this.receive(name, args);
    }
    return this;
  }

  /** @param {string} name @param {Function} [fn] */
  off(name, fn) {
    if (!fn) this.listeners.delete(name);
    else this.listeners.set(name, (this.listeners.get(name) || []).filter((l) => l.fn !== fn));
    return this;
  }

  /** @param {string} name @param {...any} args */
  emit(name, ...args) {
    this.peer?.receive(name, args);
    return this;
  }

  /** @param {string} name @param {any[]} args */
  receive(name, args) {
    const list = this.listeners.get(name);
    if (!list || list.length === 0) {
      const waiting = this.buffered.get(name) || [];
      waiting.push(args);
      this.buffered.set(name, waiting);
      return;
    }
    this.listeners.set(name, list.filter((l) => !l.once));
    for (const listener of list) listener.fn(...args);
  }
}

/** @returns {[EventChannel, EventChannel]} the opener's end and the opened page's end */
export function channelPair() {
  const opener = new EventChannel();
  const opened = new EventChannel();
  opener.peer = opened;
  opened.peer = opener;
  return [opener, opened];
}

let nextChannel = 1;
/** @type {Map<number, EventChannel>} opened ends waiting for their page */
const pendingChannels = new Map();

/** @param {EventChannel} openedEnd */
export function parkChannel(openedEnd) {
  const token = nextChannel++;
  pendingChannels.set(token, openedEnd);
  return token;
}

/** @param {number | undefined} token */
export function takeChannel(token) {
  if (!token) return new EventChannel();
  const channel = pendingChannels.get(token) || new EventChannel();
  pendingChannels.delete(token);
  return channel;
}

/**
 * A page URL resolved against the current route: `detail?id=1` from `pages/index/index` is
 * `pages/index/detail?id=1`; a leading `/` starts at the root.
 * @param {string} url @param {string | undefined} from
 */
export function resolveUrl(url, from) {
  const text = String(url ?? '');
  const [path, search] = text.split(/\?(.*)/s);
  const base = path.startsWith('/') || !from ? [] : from.split('/').slice(0, -1);
  for (const part of path.split('/')) {
    if (part === '..') base.pop();
    else if (part && part !== '.') base.push(part);
  }
  return base.join('/') + (search !== undefined ? `?${search}` : '');
}
