// @ts-check
/**
 * What WXS code finds beside JavaScript: getDate(), getRegExp(), the string-valued `constructor`
 * (compiled to `__wxsType(x)`), and the descriptors wxs event handlers receive.
 */

/** WXS `getDate(...)`: `new Date(...)` with the same arguments. @param {any[]} args */
export function getDate(...args) {
  return new (/** @type {any} */ (Date))(...args);
}

/** WXS `getRegExp(pattern, flags)`. @param {any} pattern @param {any} [flags] */
export function getRegExp(pattern, flags) {
  return new RegExp(String(pattern ?? ''), flags === undefined ? undefined : String(flags));
}

/**
 * `x.constructor` in WXS: the type's name as a string ("Array", "Object", "Date", …).
 * @param {any} value
 */
export function wxsType(value) {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return 'Array';
  if (value instanceof Date) return 'Date';
  if (value instanceof RegExp) return 'RegExp';
  switch (typeof value) {
    case 'number':
      return 'Number';
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'function':
      return 'Function';
    default:
      return 'Object';
  }
}

/** @type {WeakMap<Element, Record<string, any>>} */
const states = new WeakMap();

/**
 * A ComponentDescriptor: the handle a wxs handler gets on an element (`event.instance`) and on the
 * page (`ownerInstance`).
 * @param {Element} el
 * @param {(message: Record<string, any>) => void} send
 */
function descriptor(el, send) {
  const style = /** @type {HTMLElement} */ (el).style;
  return {
    /** @param {string} selector */
    selectComponent: (selector) => {
      const found = el.querySelector(selector);
      return found ? descriptor(found, send) : null;
    },
    /** @param {string} selector */
    selectAllComponents: (selector) => Array.from(el.querySelectorAll(selector), (found) => descriptor(found, send)),
    /** @param {string | Record<string, any>} value */
    setStyle(value) {
      if (typeof value === 'string') style.cssText = value;
      else for (const name in value) style.setProperty(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), String(value[name]));
      return this;
    },
    /** @param {string} name */
    addClass(name) {
      el.classList.add(name);
      return this;
    },
    /** @param {string} name */
    removeClass(name) {
      el.classList.remove(name);
      return this;
    },
    /** @param {string} name */
    hasClass: (name) => el.classList.contains(name),
    getDataset: () => {
      /** @type {Record<string, any>} */
      const out = {};
      const attrs = /** @type {any} */ (el).__v?.a || {};
      for (const name in attrs) {
        if (name.startsWith('data-')) out[name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = attrs[name];
      }
      return out;
    },
    getState() {
      let state = states.get(el);
      if (!state) states.set(el, (state = {}));
      return state;
    },
    /** Call a method of the page: `callMethod('onTap', args)` runs `page.onTap(args)`. @param {string} name @param {any} [args] */
    callMethod: (name, args) => send({ t: 'event', handler: name, event: args ?? {} }),
    getBoundingClientRect: () => el.getBoundingClientRect(),
    /** @param {FrameRequestCallback} fn */
    requestAnimationFrame: (fn) => requestAnimationFrame(fn),
    /** @param {Function} fn @param {number} ms */
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    /** @param {number} id */
    clearTimeout: (id) => clearTimeout(id),
  };
}

/**
 * Run a wxs event handler: `handler(event, ownerInstance)`, with `event.instance` the element that
 * carries the binding (found by its id; the page otherwise).
 * @param {Function} handler
 * @param {Record<string, any>} event
 * @param {(message: Record<string, any>) => void} send
 */
export function callWxsHandler(handler, event, send) {
  const page = document.querySelector('wx-page') || document.body;
  const id = event.currentTarget?.id;
  const current = (id && document.getElementById(id)) || page;
  return handler({ ...event, instance: descriptor(current, send) }, descriptor(page, send));
}
