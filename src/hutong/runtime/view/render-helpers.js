// @ts-check
/**
 * The helpers compiled render functions receive as `R` (see compiler/wxml/codegen.py): they build the
 * vnodes that vdom.js patches into the DOM, instantiate templates and load wxs modules.
 *
 * frame.js calls `R.use(bundle, send)` before the first render, so that templates of imported
 * files (`bundle.wxml`) and wxs modules (`bundle.wxs`) can be found and wxs event handlers can call
 * the page's methods.
 */
import { callWxsHandler, getDate, getRegExp, wxsType } from './wxs-runtime.js';

/** @typedef {import('./vdom.js').VNode} VNode */
/** @typedef {import('./vdom.js').VElement} VElement */
/** @typedef {{t: Record<string, (data: any) => VNode[]>, render: (d: any) => VNode[]}} WxmlModule */

/** @type {{wxml: Record<string, (r: any) => WxmlModule>, wxs: Record<string, Function>}} */
let bundle = { wxml: {}, wxs: {} };
/** @type {(message: Record<string, any>) => void} */
let sendToLogic = () => {};
/** @type {Map<string, WxmlModule>} */
const modules = new Map();
/** @type {Map<string, {exports: any}>} */
const wxsModules = new Map();
/**
 * The custom components of the page or component whose template is being instantiated: a template's
 * tags resolve against its user's `usingComponents`, not its own file's.
 * @type {Record<string, string> | null}
 */
let templateUser = null;
const hasOwn = (/** @type {object} */ object, /** @type {string} */ key) => Object.prototype.hasOwnProperty.call(object, key);

/** Helpers that compiled render functions receive as `R`. */
export const R = {
  /**
   * Make the bundle's templates and wxs modules reachable, and give wxs handlers a way to the logic.
   * @param {any} viewBundle the object view.js passed to `__hutong_view`
   * @param {(message: Record<string, any>) => void} [send] posts a message to the host
   */
  use(viewBundle, send) {
    // Additive: a subpackage page's frame may be given the main package's bundle, then its own.
    Object.assign(bundle.wxml, viewBundle.wxml);
    Object.assign(bundle.wxs, viewBundle.wxs);
    if (send) sendToLogic = send;
  },

  /**
   * Mark what one branch of a wx:if chain rendered: the logic thread's diff never matches nodes of
   * different branches, so an element is made anew when the branch changes (as in WeChat).
   * @param {number} id @param {VNode[]} list
   */
  b(id, list) {
    for (const node of list) if (node !== null && typeof node === 'object') /** @type {any} */ (node).b = id;
    return list;
  },

  /** @returns {VElement} */
  e: (/** @type {string} */ t, /** @type {Record<string, any>} */ a, /** @type {any[]} */ e, /** @type {VNode[]} */ c) => ({ t, a, e, c }),

  /**
   * A tag in a template body that is not a built-in: a custom component if the template's user
   * declares it, otherwise a plain element.
   * @returns {VElement}
   */
  u(/** @type {string} */ t, /** @type {Record<string, any>} */ a, /** @type {any[]} */ e, /** @type {VNode[]} */ c) {
    const cp = templateUser && hasOwn(templateUser, t) ? templateUser[t] : undefined;
    return cp ? { t, a, e, c, cp } : { t, a, e, c };
  },

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

  /** Display text the way WXML prints a value: undefined and null print nothing. @param {any} value */
  s(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') {
      return Array.isArray(value) ? String(value) : '[object Object]';
    }
    return String(value);
  },

  /**
   * A `wx:for`: arrays, objects (their values, keyed by property name), strings (characters) and
   * numbers (0..n-1).
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

  /**
   * The compiled module of a WXML file (its own templates and render), made once per frame.
   * @param {string} path the file's path without `.wxml`
   * @returns {WxmlModule | undefined}
   */
  m(path) {
    let found = modules.get(path);
    if (!found) {
      const factory = bundle.wxml[path];
      if (!factory) return undefined;
      found = factory(R);
      modules.set(path, found);
    }
    return found;
  },

  /**
   * `<template is="name" data="{{...}}"/>`: the file's own templates first, then those defined in the
   * files it imports (the later import wins). An unknown name renders nothing, as in WeChat.
   * @param {Record<string, (data: any) => VNode[]>} own
   * @param {string[]} imports
   * @param {any} name
   * @param {any} data
   * @param {Record<string, string>} [using] the user's custom components (absent inside a template:
   *   the outer user's stay in force)
   * @returns {VNode[]}
   */
  ti(own, imports, name, data, using) {
    const key = String(name ?? '');
    let template = hasOwn(own, key) ? own[key] : undefined;
    for (let i = imports.length - 1; i >= 0 && !template; i -= 1) {
      const imported = R.m(imports[i]);
      if (imported && hasOwn(imported.t, key)) template = imported.t[key];
    }
    if (!template) return [];
    const outer = templateUser;
    if (using) templateUser = using;
    try {
      return template(data !== null && typeof data === 'object' ? data : {});
    } finally {
      templateUser = outer;
    }
  },

  /**
   * A wxs module's exports: each module runs once, on first use, and is shared by the frame.
   * @param {string} key `path/to/file.wxs`, or `path/to/page.wxml#name` for an inline module
   */
  x(key) {
    const loaded = wxsModules.get(key);
    if (loaded) return loaded.exports;
    const factory = bundle.wxs[key];
    if (!factory) return undefined;
    const module = { exports: {} };
    wxsModules.set(key, module); // set first: modules that require each other see partial exports
    factory(R.x, module, module.exports, getDate, getRegExp, wxsType);
    return module.exports;
  },

  /**
   * Run a wxs function bound as an event handler (`bindtap="{{m.fn}}"`), as `fn(event, ownerInstance)`.
   * @param {Function} handler
   * @param {Record<string, any>} event the WeChat event object
   * @returns {any} what the handler returned (false asks to stop the event, as in WeChat)
   */
  wxsEvent(handler, event) {
    return callWxsHandler(handler, event, sendToLogic);
  },
};
