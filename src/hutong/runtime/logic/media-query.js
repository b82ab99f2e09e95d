// @ts-check
/**
 * wx.createMediaQueryObserver and this.createMediaQueryObserver: a descriptor (minWidth, maxWidth,
 * width, minHeight, maxHeight, height in px; orientation) is matched against the window size the host
 * reports, once when observing starts and again whenever the answer changes with a resize.
 */
import { guard } from './errors.js';
import { windowChanged, windowSize } from './api/base.js';

/** @typedef {{descriptor: Record<string, any>, callback: Function, last: boolean | undefined}} Watch */
/** @type {Set<Watch>} */
const watching = new Set();

/** @param {Record<string, any>} d */
function matches(d) {
  const { width, height } = windowSize();
  const num = (/** @type {any} */ v) => (v === undefined || v === null || v === '' ? null : Number(v));
  const checks = [
    [num(d.minWidth), (/** @type {number} */ v) => width >= v],
    [num(d.maxWidth), (/** @type {number} */ v) => width <= v],
    [num(d.width), (/** @type {number} */ v) => width === v],
    [num(d.minHeight), (/** @type {number} */ v) => height >= v],
    [num(d.maxHeight), (/** @type {number} */ v) => height <= v],
    [num(d.height), (/** @type {number} */ v) => height === v],
  ];
  for (const [value, test] of checks) if (value !== null && !(/** @type {Function} */ (test))(value)) return false;
  if (d.orientation === 'landscape' && !(width > height)) return false;
  if (d.orientation === 'portrait' && !(height >= width)) return false;
  return true;
}

/** @param {Watch} watch */
function check(watch) {
  const now = matches(watch.descriptor);
  if (now === watch.last) return;
  watch.last = now;
  guard(() => watch.callback({ matches: now }));
}

windowChanged.on(() => {
  for (const watch of watching) check(watch);
});

export function createMediaQueryObserver() {
  /** @type {Watch | null} */
  let watch = null;
  return {
    /** @param {Record<string, any>} descriptor @param {Function} callback */
    observe(descriptor, callback) {
      if (watch) watching.delete(watch);
      if (typeof callback !== 'function') return;
      const current = /** @type {Watch} */ ({ descriptor: descriptor || {}, callback, last: undefined });
      watch = current;
      watching.add(current);
      queueMicrotask(() => {
        if (watching.has(current)) check(current);
      });
    },
    disconnect() {
      if (watch) watching.delete(watch);
      watch = null;
    },
  };
}
