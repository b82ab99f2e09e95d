// @ts-check
/**
 * `this.animate(selector, keyframes, duration, callback)` and `this.clearAnimation(selector, options,
 * callback)` on pages and components: the logic thread resolves the selector in the caller's scope and
 * the page frame plays the keyframes with the Web Animations API (view/keyframes.js). A fourth
 * argument that is an object instead of a callback ties the animation to a scroll-view's scrolling
 * (WeChat's ScrollTimeline form).
 */
import { toView } from './bridge.js';
import { guard } from './errors.js';
import { querySelectorIn } from './selector.js';

let nextAnimation = 1;
/** @type {Map<number, Function>} callbacks waiting for the frame */
const waiting = new Map();

/** The frame finished an animation, or cleared one. @param {number} aid */
export function animationDone(aid) {
  const callback = waiting.get(aid);
  waiting.delete(aid);
  if (callback) guard(() => callback());
}

/** @param {any} value */
function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return null;
  }
}

/**
 * Run `action` once what was set before the call has reached the frame, as for selector queries:
 * an animation started in onLoad finds the nodes of the first render.
 * @param {any} scope @param {() => void} action
 */
function afterRender(scope, action) {
  queueMicrotask(() => {
    if (!scope.__tree.closed && scope.__alive !== false) action();
  });
}

/** @param {any} scope @param {string} selector */
function targets(scope, selector) {
  return querySelectorIn(scope.__root, scope, String(selector), true).map((node) => node.n);
}

/**
 * @param {any} scope a page or component instance
 * @param {string} selector @param {any[]} keyframes @param {number} duration
 * @param {Function | Record<string, any>} [callbackOrTimeline]
 */
export function animate(scope, selector, keyframes, duration, callbackOrTimeline) {
  if (!Array.isArray(keyframes)) throw new TypeError('animate: keyframes must be an array');
  const frames = plain(keyframes) || [];
  afterRender(scope, () => {
    const aid = nextAnimation++;
    /** @type {Record<string, any> | null} */
    let timeline = null;
    if (callbackOrTimeline && typeof callbackOrTimeline === 'object') {
      const options = callbackOrTimeline;
      const source = options.scrollSource ? querySelectorIn(scope.__root, scope, String(options.scrollSource), false)[0] : null;
      timeline = {
        source: source ? source.n : 0,
        horizontal: options.orientation === 'horizontal',
        start: Number(options.startScrollOffset) || 0,
        end: Number(options.endScrollOffset) || 0,
        timeRange: Number(options.timeRange) || Number(duration) || 0,
      };
    } else if (typeof callbackOrTimeline === 'function') {
      waiting.set(aid, () => callbackOrTimeline.call(scope));
    }
    toView(scope.__tree.pageId, { t: 'animate', aid, ids: targets(scope, selector), keyframes: frames, duration: Number(duration) || 0, timeline });
  });
}

/**
 * @param {any} scope @param {string} selector
 * @param {Record<string, boolean> | Function} [options] the properties to clear (all when absent)
 * @param {Function} [callback]
 */
export function clearAnimation(scope, selector, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  const props = options && typeof options === 'object' ? Object.keys(options).filter((k) => options[k]) : null;
  afterRender(scope, () => {
    const aid = nextAnimation++;
    if (typeof callback === 'function') waiting.set(aid, () => /** @type {Function} */ (callback).call(scope));
    toView(scope.__tree.pageId, { t: 'animate:clear', aid, ids: targets(scope, selector), props });
  });
}
