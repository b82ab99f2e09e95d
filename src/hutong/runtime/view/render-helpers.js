// @ts-check
/**
 * The helpers compiled render functions receive as `R` (see compiler/wxml/codegen.py): they build the
 * vnodes that vdom.js patches into the DOM.
 */

/** @typedef {import('./vdom.js').VNode} VNode */
/** @typedef {import('./vdom.js').VElement} VElement */

/** Helpers that compiled render functions receive as `R`. */
export const R = {
  /** @returns {VElement} */
  e: (/** @type {string} */ t, /** @type {Record<string, any>} */ a, /** @type {any[]} */ e, /** @type {VNode[]} */ c) => ({ t, a, e, c }),

  /**
   * A custom component: `cp` is its resolved path (its template is `wxml[cp]`); `c` is the light DOM.
   * @returns {VElement}
   */
  c: (
    /** @type {string} */ t,
    /** @type {string} */ cp,
    /** @type {Record<string, any>} */ a,
    /** @type {any[]} */ e,
    /** @type {VNode[]} */ c,
  ) => ({ t, a, e, c, cp }),

  /** Display text the way WXML prints a value. @param {any} value */
  s(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') {
      return Array.isArray(value) ? String(value) : '[object Object]';
    }
    return String(value);
  },

  /**
   * A `wx:for`: arrays, objects (their values), strings (characters) and numbers (0..n-1).
   * @param {any} list
   * @param {number} loop distinguishes the keys of sibling loops
   * @param {string | null} keyName `*this`, a property name, or null for the index
   * @param {(item: any, index: any) => VNode[]} fn
   * @returns {VNode[]}
   */
  f(list, loop, keyName, fn) {
    /** @type {VNode[]} */
    const out = [];
    /** @param {any} item @param {any} index */
    const each = (item, index) => {
      const nodes = fn(item, index);
      let key = index;
      if (keyName === '*this') key = item;
      else if (keyName && item !== null && typeof item === 'object') key = item[keyName];
      for (let j = 0; j < nodes.length; j += 1) {
        const node = nodes[j];
        if (typeof node === 'object') node.k = `${loop}:${key}${nodes.length > 1 ? `#${j}` : ''}`;
        out.push(node);
      }
    };
    if (Array.isArray(list)) list.forEach(each);
    else if (typeof list === 'string') Array.from(list).forEach(each);
    else if (typeof list === 'number') for (let i = 0; i < list; i += 1) each(i, i);
    else if (list && typeof list === 'object') for (const key of Object.keys(list)) each(list[key], key);
    return out;
  },
};

