// @ts-check
/**
 * DOM input turned into WeChat events, dispatched along the vnode bindings with WeChat's phases:
 * capture (capture-bind, capture-catch) from the root down, then bubble (bind, catch, mut-bind) up.
 */

const FLAG_CATCH = 1;
const FLAG_CAPTURE = 2;
const FLAG_MUT = 4;

/** @param {Element} el */
function dataset(el) {
  /** @type {Record<string, any>} */
  const out = {};
  const attrs = /** @type {any} */ (el).__v?.a || {};
  for (const name in attrs) {
    if (name.startsWith('data-')) {
      // data-foo-bar → fooBar, as WeChat names dataset keys
      const key = name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
      out[key] = attrs[name];
    }
  }
  return out;
}

/** @param {Element} el */
function marks(el) {
  /** @type {Record<string, any>} */
  const out = {};
  const attrs = /** @type {any} */ (el).__v?.a || {};
  for (const name in attrs) if (name.startsWith('mark:')) out[name.slice(5)] = attrs[name];
  return out;
}

/** @param {Element} el */
function describe(el) {
  return { id: el.id || '', dataset: dataset(el) };
}

/**
 * @param {Element} target the element the input hit
 * @param {string} type the WeChat event type
 * @param {Record<string, any>} detail
 * @param {number} timeStamp
 * @param {(handler: any, event: Record<string, any>) => void} deliver
 */
export function dispatchEvent(target, type, detail, timeStamp, deliver) {
  /** @type {Element[]} */
  const path = [];
  for (let el = /** @type {Element | null} */ (target); el && el.nodeType === 1; el = el.parentElement) {
    if (/** @type {any} */ (el).__v) path.push(el);
  }
  /** @type {Record<string, any>} */
  const mark = {};
  for (let i = path.length - 1; i >= 0; i -= 1) Object.assign(mark, marks(path[i]));
  const targetInfo = describe(target);
  let stopped = false;
  let mutDone = false;
  /** @param {Element} el @param {boolean} capture */
  const visit = (el, capture) => {
    for (const [bindingType, handler, flags] of /** @type {any} */ (el).__v.e) {
      if (bindingType !== type || Boolean(flags & FLAG_CAPTURE) !== capture) continue;
      if (flags & FLAG_MUT) {
        if (mutDone) continue;
        mutDone = true;
      }
      if (handler) {
        deliver(handler, {
          type,
          timeStamp,
          target: targetInfo,
          currentTarget: describe(el),
          detail,
          mark,
        });
      }
      if (flags & FLAG_CATCH) stopped = true;
    }
  };
  for (let i = path.length - 1; i >= 0 && !stopped; i -= 1) visit(path[i], true);
  for (let i = 0; i < path.length && !stopped; i += 1) visit(path[i], false);
}
