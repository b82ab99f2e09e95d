// @ts-check
/**
 * Whether the app's code is running inside a user's tap, as WeChat requires for wx.getUserProfile and
 * wx.openSetting ("can only be invoked by user TAP gesture"): true only while a tap-like event's
 * handlers run, synchronously.
 */

/** The events that count as the user's gesture. */
export const GESTURE_EVENTS = new Set(['tap', 'longpress', 'longtap', 'touchend']);

let depth = 0;

export function inUserGesture() {
  return depth > 0;
}

/** Run `fn` as part of a user's gesture. @template T @param {() => T} fn @returns {T} */
export function asGesture(fn) {
  depth += 1;
  try {
    return fn();
  } finally {
    depth -= 1;
  }
}
