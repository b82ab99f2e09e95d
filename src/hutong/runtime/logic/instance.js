// @ts-check
/**
 * What pages and components share: `data` and setData (synchronous data, asynchronous batched view
 * updates), data observers, re-rendering their template into the page's tree, and component lookup.
 */
import { parsePath, setPath } from '../common/data-path.js';
import { toView } from './bridge.js';
import { guard, reportError } from './errors.js';
import { animate, clearAnimation } from './animate.js';
import { createMediaQueryObserver } from './media-query.js';
import { createIntersectionObserver, createSelectorQuery } from './query.js';
import { querySelectorIn } from './selector.js';
import { passiveOf } from './passive.js';
import { passiveEvents } from '../common/page-config.js';

const SET_DATA_LIMIT = 1024 * 1024;

/** @type {Map<string, (string|number)[]>} */
const pathCache = new Map();

/** @param {string} key */
export function pathOf(key) {
  let segments = pathCache.get(key);
  if (!segments) {
    segments = parsePath(key);
    if (pathCache.size > 20000) pathCache.clear();
    pathCache.set(key, segments);
  }
  return segments;
}

/**
 * The JSON size of a setData payload, as WeChat limits it; strings and numbers are counted without
 * serialising them (1,000 path keys of strings is the common large case).
 * @param {Record<string, any>} changes
 */
function payloadSize(changes) {
  let size = 2;
  for (const key in changes) {
    const value = changes[key];
    const type = typeof value;
    size += key.length + 4;
    if (type === 'string') size += value.length + 2;
    else if (type === 'number' || type === 'boolean') size += 8;
    else if (value !== undefined) size += jsonSize(value);
  }
  return size;
}

/**
 * How long `value` is as JSON. Apps put component instances in data (a child keeps the parent it is
 * linked to, `setData({ parent: target })`), and those are circular: then each object is counted once
 * and the runtime's own `__` fields not at all, where WeChat would not fail either.
 * @param {any} value
 */
function jsonSize(value) {
  try {
    return (JSON.stringify(value) || '').length;
  } catch {
    const seen = new WeakSet();
    try {
      const text = JSON.stringify(value, (key, item) => {
        if (key.startsWith('__')) return undefined;
        if (item !== null && typeof item === 'object') {
          if (seen.has(item)) return undefined;
          seen.add(item);
        }
        return item;
      });
      return (text || '').length;
    } catch {
      return 0; // a BigInt, say: WeChat's own serialiser would drop it
    }
  }
}

/** @type {Record<string, any>} */
let viewBundle = { wxml: {}, wxss: {} };
/** @type {any} */
let helpers = null;
/** @type {Map<string, (d: any) => any[]>} */
const renders = new Map();

/** The compiled templates the logic thread renders with. @param {Record<string, any>} bundle @param {any} R */
export function setViewBundle(bundle, R) {
  viewBundle = bundle;
  helpers = R;
}

/** @param {string} path */
export function templateOf(path) {
  let render = renders.get(path);
  if (!render) {
    const factory = viewBundle.wxml[path];
    // A template of a package not loaded yet draws nothing now, and is looked up again next time.
    if (!factory) return () => [];
    render = factory(helpers).render;
    renders.set(path, /** @type {(d: any) => any[]} */ (render));
  }
  return /** @type {(d: any) => any[]} */ (render);
}

/** @param {any} value */
function sameSegments(/** @type {any[]} */ a, /** @type {any[]} */ b, /** @type {number} */ length) {
  for (let i = 0; i < length; i += 1) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

/**
 * Does setting `set` fire an observer on `observed`? Setting a path fires observers on it and below
 * it; `observed.**` also fires for anything set below it.
 * @param {{segments: any[], deep: boolean}} observed @param {any[]} set
 */
function observes(observed, set) {
  const o = observed.segments;
  if (set.length <= o.length) return sameSegments(set, o, set.length);
  return observed.deep && sameSegments(set, o, o.length);
}

/** @param {any} data @param {any[]} segments */
function valueAt(data, segments) {
  let node = data;
  for (const segment of segments) {
    if (node === null || node === undefined) return undefined;
    node = node[segment];
  }
  return node;
}

/**
 * setUpdatePerformanceListener's bookkeeping (WeChat 2.12.0): every setData is an update process, the
 * first of an instance's tick a *basic* one with an id of its own, the rest of that tick *merged* into it
 * (they share one render here), and one made while another instance's update is being computed (a
 * property observer's setData during its owner's render) a *sub-update* naming that one as its parent.
 * @typedef {{id: number, parent: number | undefined, pendingStart: number, calls: {paths: any[][], merged: boolean}[]}} UpdateProcess
 */
let nextUpdateProcessId = 1;
/** @type {number | undefined} the id of the update being computed now */
let computing;

export class Instance {
  /**
   * @param {import('./tree.js').PageTree} tree
   * @param {import('./registry.js').Definition} def
   */
  constructor(tree, def) {
    /** @type {import('./tree.js').PageTree} */
    this.__tree = tree;
    this.__def = def;
    this.__alive = true;
    this.__depth = 0;
    /** @type {Record<string, any>} */
    this.data = {};
    /** @type {any} */
    this.__root = null;
    this.__render = templateOf(def.path);
    /** @type {{withDataPaths: boolean, listener: Function, pending: UpdateProcess | null} | null} setUpdatePerformanceListener's */
    this.__perf = null;
    /** @type {Record<string, boolean> | null} setPassiveEvent's, else the page's configuration */
    this.__passive = null;
  }

  /**
   * Change data now; the view follows asynchronously, with every change of this tick in one message.
   * @param {Record<string, any>} changes
   * @param {Function} [callback] runs once the view has rendered the change
   */
  setData(changes, callback) {
    if (changes === null || typeof changes !== 'object') throw new TypeError('setData expects an object');
    const size = payloadSize(changes);
    if (size > SET_DATA_LIMIT) {
      throw new Error(`setData: the data exceeds 1024 kB (${Math.ceil(size / 1024)} kB); send less at a time`);
    }
    /** @type {any[][]} */
    const set = [];
    for (const key in changes) {
      const value = changes[key];
      if (value === undefined) {
        console.warn(`setData: "${key}" is undefined and is ignored`);
        continue;
      }
      const segments = pathOf(key);
      if (segments.length === 0) continue;
      this.__write(segments, value);
      set.push(segments);
    }
    this.__observe(set);
    if (typeof callback === 'function') this.__tree.pendingCallbacks.push(() => callback.call(this));
    if (this.__perf && this.__root) this.__queueUpdate(set);
    this.__invalidate();
  }

  /**
   * WeChat's update statistics: `listener(res)` once per setData of this instance, after the update it
   * belongs to was computed; a null listener stops them. Not before `attached`, as WeChat says.
   * @param {{withDataPaths?: boolean}} [options] @param {((res: Record<string, any>) => void) | null} [listener]
   */
  setUpdatePerformanceListener(options, listener) {
    this.__perf = typeof listener === 'function' ? { withDataPaths: Boolean(options?.withDataPaths), listener, pending: null } : null;
  }

  /** @param {any[][]} paths the data paths one setData changed */
  __queueUpdate(paths) {
    const perf = /** @type {any} */ (this.__perf);
    if (perf.pending) {
      perf.pending.calls.push({ paths, merged: true });
      return;
    }
    perf.pending = { id: nextUpdateProcessId++, parent: computing, pendingStart: Date.now(), calls: [{ paths, merged: false }] };
  }

  /** @param {any[]} segments @param {any} value */
  __write(segments, value) {
    setPath(this.data, segments, value);
  }

  /** Run data observers for the paths just set. @param {any[][]} set */
  __observe(set) {
    const observers = this.__def.observers;
    if (!observers.length || !set.length) return;
    for (const observer of observers) {
      if (!observer.paths.some((path) => set.some((segments) => observes(path, segments)))) continue;
      const args = observer.paths.map((path) => valueAt(this.data, path.segments));
      guard(() => observer.fn.apply(this, args));
    }
  }

  /** Re-render this scope's template in the next flush. */
  __invalidate() {
    const tree = this.__tree;
    if (!this.__root) return; // not mounted yet: the first render reads data as it is then
    tree.dirty.add(this);
    scheduleFlush(tree);
  }

  /** Render this scope's template again and patch its part of the tree. */
  __rerender() {
    const perf = this.__perf;
    const update = perf?.pending || null;
    if (perf) perf.pending = null;
    const outer = computing;
    const start = Date.now();
    // Every update has an id, listened to or not: a sub-update names its parent either way.
    computing = update ? update.id : nextUpdateProcessId++;
    try {
      let next;
      try {
        next = this.__render(this.data);
      } catch (error) {
        reportError(error);
        return;
      }
      this.__tree.patchChildren(this.__root, this.__root.c, next, this);
    } finally {
      computing = outer;
    }
    if (update && perf) reportUpdate(perf, update, start, Date.now());
  }

  /** @param {string} selector */
  selectComponent(selector) {
    const node = querySelectorIn(this.__root, this, selector, false).find((n) => n.comp);
    return node ? node.comp.__exported(this) : null;
  }

  /** @param {string} selector */
  selectAllComponents(selector) {
    return querySelectorIn(this.__root, this, selector, true)
      .filter((n) => n.comp)
      .map((n) => n.comp.__exported(this));
  }

  createSelectorQuery() {
    return createSelectorQuery(this.__tree).in(this);
  }

  /** @param {Record<string, any>} [options] */
  createIntersectionObserver(options) {
    return createIntersectionObserver(this.__tree, this, options || {});
  }

  /**
   * WeChat's keyframe animation of the nodes `selector` matches in this scope (logic/animate.js).
   * @param {string} selector @param {any[]} keyframes @param {number} duration
   * @param {Function | Record<string, any>} [callback] or the ScrollTimeline options
   */
  animate(selector, keyframes, duration, callback) {
    animate(this, selector, keyframes, duration, callback);
  }

  /** @param {string} selector @param {Record<string, boolean> | Function} [options] @param {Function} [callback] */
  clearAnimation(selector, options, callback) {
    clearAnimation(this, selector, options, callback);
  }

  createMediaQueryObserver() {
    return createMediaQueryObserver();
  }

  getPageId() {
    return `pageId:${this.__tree.pageId}`;
  }

  /** @param {Function} fn */
  groupSetData(fn) {
    if (typeof fn === 'function') fn.call(this);
  }

  /**
   * Which of touchstart, touchmove and wheel this instance listens to passively (`true` for all, or
   * an object of booleans); a passive touchmove lets the page scroll under its `catchtouchmove`.
   * @param {boolean | Record<string, boolean>} config
   */
  setPassiveEvent(config) {
    this.__passive = passiveEvents(config, passiveOf(this));
    if (!this.__root) return;
    this.__tree.remarkEvents(this);
    scheduleFlush(this.__tree);
  }

  /** @param {(config: Record<string, boolean>) => void} callback */
  getPassiveEvent(callback) {
    if (typeof callback === 'function') guard(() => callback({ ...passiveOf(this) }));
  }

  /** The renderer this instance is drawn by: WeChat's webview (Hutong has no Skyline). */
  get renderer() {
    return 'webview';
  }

  /** A Page() option or a field of the same name still takes the name over. @param {any} value */
  set renderer(value) {
    Object.defineProperty(this, 'renderer', { value, writable: true, configurable: true, enumerable: true });
  }

  /** Skyline's worklet-driven style: this runtime is webview, where WeChat offers none. */
  applyAnimatedStyle() {
    warnSkylineOnly('applyAnimatedStyle');
  }

  clearAnimatedStyle() {
    warnSkylineOnly('clearAnimatedStyle');
  }
}

/** @type {Set<string>} */
const warned = new Set();

/** @param {string} name */
function warnSkylineOnly(name) {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`${name} works under the Skyline renderer only; this page is rendered as webview, so nothing is applied`);
}

/**
 * One listener call per setData of the update just computed.
 * @param {{withDataPaths: boolean, listener: Function}} perf @param {UpdateProcess} update
 * @param {number} start @param {number} end
 */
function reportUpdate(perf, update, start, end) {
  for (const call of update.calls) {
    /** @type {Record<string, any>} */
    const res = { updateProcessId: update.id, isMergedUpdate: call.merged };
    if (update.parent !== undefined) res.parentUpdateProcessId = update.parent;
    if (perf.withDataPaths) res.dataPaths = call.paths;
    Object.assign(res, { pendingStartTimestamp: update.pendingStart, updateStartTimestamp: start, updateEndTimestamp: end });
    guard(() => perf.listener(res));
  }
}

/** @param {import('./tree.js').PageTree} tree */
export function scheduleFlush(tree) {
  if (tree.scheduled || tree.closed) return;
  tree.scheduled = true;
  queueMicrotask(() => flush(tree));
}

/**
 * Re-render what changed (outer scopes first, since they pass properties down), run `attached` for
 * components mounted on the way, and send the page frame one message with every DOM operation.
 * @param {import('./tree.js').PageTree} tree
 */
export function flush(tree) {
  tree.scheduled = false;
  for (let rounds = 0; rounds < 1000; rounds += 1) {
    if (tree.dirty.size) {
      /** @type {any} */
      let next = null;
      for (const instance of tree.dirty) if (!next || instance.__depth < next.__depth) next = instance;
      tree.dirty.delete(next);
      if (next.__alive) next.__rerender();
      continue;
    }
    if (tree.attachQueue.length) {
      const queue = tree.attachQueue;
      tree.attachQueue = [];
      for (const component of queue) if (component.__alive) component.__attached();
      continue;
    }
    if (tree.movedQueue.length) {
      const queue = tree.movedQueue;
      tree.movedQueue = [];
      for (const component of queue) if (component.__alive) component.__moved();
      continue;
    }
    break;
  }
  if (!tree.inView) return; // the page's first render goes out whole, from page.js
  if (tree.ops.length === 0 && tree.pendingCallbacks.length === 0) return;
  tree.seq += 1;
  if (tree.pendingCallbacks.length) {
    tree.callbacks.set(tree.seq, tree.pendingCallbacks);
    tree.pendingCallbacks = [];
  }
  if (tree.readyQueue.length) tree.readyAt.set(tree.seq, tree.readyQueue.splice(0));
  const ops = tree.ops;
  tree.ops = [];
  toView(tree.pageId, { t: 'render', seq: tree.seq, ops });
}
