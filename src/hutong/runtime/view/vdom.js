// @ts-check
/**
 * The page frame's half of rendering: it applies the DOM operations the logic thread computed
 * (common/ops.js) and gives each custom component its shadow root and stylesheets.
 *
 * Built-in tags arrive as `wx-view`, `wx-button`, … so that none picks up an HTML element's
 * behaviour; components arrive as valid custom element names so that they can have a shadow root.
 */
import { withSansSerif } from '../common/font-fallback.js';
import { playAnimation } from './animation.js';
import {
  ATTR,
  EVENTS,
  EXTERNAL_CLASSES_BIT,
  INSERT,
  MOVE,
  PROP,
  REMOVE,
  ROOT_ID,
  TAB_BAR_ID,
  STYLE_APPLY_SHARED,
  STYLE_SHARED,
  TEXT,
  VIRTUAL_HOST_BIT,
} from '../common/ops.js';

/** @typedef {{t: string, a: Record<string, any>, e: any[], c: VNode[], k?: any, cp?: string}} VElement */
/** @typedef {string | VElement} VNode */

const RPX = /(-?\d*\.?\d+)rpx/g;

/** Inline styles may carry rpx at run time (`style="width: {{w}}rpx"`). @param {string} style */
export function convertRpx(style) {
  return style.includes('rpx') ? style.replace(RPX, (_, n) => `${Number(n) / 7.5}vw`) : style;
}

const FONT_DECLARATION = /(^|;)(\s*font(-family)?\s*:\s*)([^;]*?)(\s*!important)?(\s*)(?=;|$)/gi;

/**
 * An inline style's font list that names no generic family ends in sans-serif, as compiled WXSS does
 * (compiler/wxss.py): a phone draws a face it lacks in its sans-serif face, Chromium in serif.
 * @param {string} style
 */
export function fontFallback(style) {
  if (!/font/i.test(style)) return style;
  return style.replace(FONT_DECLARATION, (whole, start, name, family, value, important = '', space = '') => {
    const fallen = withSansSerif(value, !family);
    return fallen === value ? whole : `${start}${name}${fallen}${important}${space}`;
  });
}

/** Nodes by id: ids are small dense integers, so an array beats a Map on the hot path. */
/** @type {(Node | undefined)[]} */
const nodes = [];

/** @type {{builtins: CSSStyleSheet | null, page: CSSStyleSheet[], wxss: Record<string, string>, shared: CSSStyleSheet[]}} */
const styles = { builtins: null, page: [], wxss: {}, shared: [] };
/** @type {Map<string, CSSStyleSheet>} */
const componentSheets = new Map();
/** @type {Set<ShadowRoot>} shadow roots that show shared components' styles */
const sharingRoots = new Set();

/** @param {string} css */
function sheetOf(css) {
  const sheet = new CSSStyleSheet();
  try {
    sheet.replaceSync(css);
  } catch (error) {
    console.warn('[hutong] a stylesheet could not be parsed', error);
  }
  return sheet;
}

/**
 * The page's styles: WeChat's defaults, app.wxss, the page's wxss.
 * @param {Element} root the `wx-page` element @param {CSSStyleSheet} builtins
 * @param {Record<string, string>} wxss compiled styles by path @param {string} route
 */
export function installPage(root, builtins, wxss, route) {
  nodes[ROOT_ID] = root;
  const tabBar = document.createElement('hutong-tab-bar');
  document.body.appendChild(tabBar);
  nodes[TAB_BAR_ID] = tabBar;
  styles.builtins = builtins;
  styles.wxss = wxss;
  styles.page = [wxss.app, wxss[route]].filter(Boolean).map(sheetOf);
  // The document has WeChat's defaults from view.html's <link>; shadow roots adopt `builtins`.
  document.adoptedStyleSheets = hoistedFaces ? [...styles.page, hoistedFaces] : [...styles.page];
}

/** @type {CSSStyleSheet | null} the components' @font-face rules, in the document */
let hoistedFaces = null;
/** @type {Set<string>} */
const faceTexts = new Set();

/**
 * A browser ignores @font-face inside a shadow root, but a WeChat component's own stylesheet may
 * declare the icon font it uses: the faces move up to the document, where every shadow root sees
 * them. @param {CSSStyleSheet} sheet
 */
function hoistFontFaces(sheet) {
  for (const rule of Array.from(sheet.cssRules)) {
    if (!(rule instanceof CSSFontFaceRule) || faceTexts.has(rule.cssText)) continue;
    faceTexts.add(rule.cssText);
    if (!hoistedFaces) {
      hoistedFaces = new CSSStyleSheet();
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, hoistedFaces];
    }
    hoistedFaces.insertRule(rule.cssText, hoistedFaces.cssRules.length);
  }
}

/** @param {string} path */
function componentSheet(path) {
  let sheet = componentSheets.get(path);
  if (!sheet) {
    sheet = sheetOf(styles.wxss[path] || '');
    hoistFontFaces(sheet);
    componentSheets.set(path, sheet);
  }
  return sheet;
}

/** The sheets an owner's classes live in (a page's, or a component's own). @param {string} owner */
function ownerSheets(owner) {
  return owner && componentSheets.has(owner) ? [componentSheet(owner)] : styles.page;
}

/**
 * @param {Element} host @param {[number, string, number, any[], string]} shadow
 */
function attachComponent(host, shadow) {
  const [rootId, path, mode, children, owner] = shadow;
  const root = host.attachShadow({ mode: 'open' });
  nodes[rootId] = root;
  /** @type {any} */ (root).__id = rootId;
  // The component's own path: what a relative src in its template is resolved against (components/base.js resolveAsset).
  /** @type {any} */ (root).__path = path;
  const own = componentSheet(path);
  const isolation = mode & 3;
  /** @type {CSSStyleSheet[]} */
  const sheets = [/** @type {CSSStyleSheet} */ (styles.builtins)];
  if (isolation === STYLE_APPLY_SHARED || isolation === STYLE_SHARED) {
    sheets.push(...styles.page, ...styles.shared);
    sharingRoots.add(root);
  } else if (mode & EXTERNAL_CLASSES_BIT) {
    sheets.push(...ownerSheets(owner));
  }
  sheets.push(own);
  root.adoptedStyleSheets = sheets;
  if (isolation === STYLE_SHARED && !styles.shared.includes(own)) {
    // A shared component's styles reach the page and every component that accepts the page's.
    styles.shared.push(own);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, own];
    for (const other of sharingRoots) {
      if (other !== root && !other.adoptedStyleSheets.includes(own)) {
        other.adoptedStyleSheets = [...other.adoptedStyleSheets.slice(0, -1), own, ...other.adoptedStyleSheets.slice(-1)];
      }
    }
  }
  if (mode & VIRTUAL_HOST_BIT) host.setAttribute('hutong-virtual', '');
  for (const child of children) root.appendChild(build(child));
}

/**
 * Tags a template may not create, whatever it writes: each would load, run or navigate to something
 * outside the frame's rules (a meta refresh leaves the runtime, an iframe skips the web-view domain
 * list, a form or base changes where things go). They become inert elements that keep their children.
 * The frame's policy refuses most of this anyway; this is the second lock.
 */
const INERT_TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'meta', 'base', 'link', 'form', 'portal', 'fencedframe']);

/** @param {string} tag */
function createElement(tag) {
  return document.createElement(INERT_TAGS.has(String(tag).toLowerCase()) ? 'hutong-inert' : tag);
}

/** @param {Element} el @param {string} name @param {any} value */
function setAttribute(el, name, value) {
  // Inline event handlers are script (the policy already refuses them): no attribute named on… is set.
  if (/^on/i.test(name) || /^(srcdoc|formaction)$/i.test(name)) return;
  if (value === null || value === undefined) {
    el.removeAttribute(name);
    return;
  }
  if (name === 'style') value = fontFallback(convertRpx(String(value)));
  else if (name === 'hidden' && value === 'false') {
    el.removeAttribute(name);
    return;
  }
  el.setAttribute(name, value === true ? '' : String(value));
}

/**
 * The event types bound on an element (events.js reads them); `catchtouchmove` also keeps the page
 * from scrolling under the element, as in WeChat.
 * @param {any} el @param {string} types
 */
function setEvents(el, types) {
  el.__ev = types;
  if (types.includes('!touchmove')) el.setAttribute('hutong-catchmove', '');
  else if (el.hasAttribute('hutong-catchmove')) el.removeAttribute('hutong-catchmove');
}

/**
 * WeChat renders a component with each <slot> replaced by what fills it, so an element whose only
 * content is an unfilled slot is :empty there (vant's uploader shows its default upload area by
 * `.van-uploader__slot:not(:empty) + .van-uploader__upload { display: none }`). Here the <slot>
 * element stays a child: the element carries `hutong-empty` instead, which the compiled WXSS reads
 * with :empty (compiler/wxss.py), kept up to date as the slots' assignments and its children change.
 * @param {Node | null} parent
 */
function markSlotParent(parent) {
  if (!(parent instanceof Element)) return;
  /** @type {any} */ (parent).__slotParent = true;
  let empty = true;
  for (let child = parent.firstChild; child && empty; child = child.nextSibling) {
    if (child instanceof HTMLSlotElement) empty = child.assignedNodes({ flatten: true }).length === 0;
    else if (child.nodeType === Node.TEXT_NODE) empty = !child.nodeValue;
    else empty = child.nodeType === Node.COMMENT_NODE;
  }
  parent.toggleAttribute('hutong-empty', empty);
}

/** @param {Node | null | undefined} parent */
function remarkIfSlotParent(parent) {
  if (parent && /** @type {any} */ (parent).__slotParent) markSlotParent(parent);
}

/** Build a subtree from its tree form (see common/ops.js). @param {any[]} tree @returns {Node} */
export function build(tree) {
  if (tree.length === 2) {
    const text = document.createTextNode(tree[1]);
    nodes[tree[0]] = text;
    return text;
  }
  const el = /** @type {any} */ (createElement(tree[1]));
  el.__id = tree[0];
  nodes[tree[0]] = el;
  const attrs = tree[2];
  if (attrs) for (const name in attrs) setAttribute(el, name, attrs[name]);
  if (tree[3]) setEvents(el, tree[3]);
  const children = tree[4];
  for (let i = 0; i < children.length; i += 1) el.appendChild(build(children[i]));
  if (tree[5]) attachComponent(el, tree[5]);
  if (tree[6]) el.__props = tree[6];
  if (tree[6]?.animation) playAnimation(el, tree[6].animation);
  if (el instanceof HTMLSlotElement) {
    el.addEventListener('slotchange', () => markSlotParent(el.parentNode));
    // Once it is in its parent (the parent appends it after this returns).
    queueMicrotask(() => markSlotParent(el.parentNode));
  }
  return el;
}

/** Forget the ids of a removed subtree. @param {Node} node */
function forget(node) {
  const any = /** @type {any} */ (node);
  if (any.__id !== undefined) nodes[any.__id] = undefined;
  for (let child = node.firstChild; child; child = child.nextSibling) forget(child);
  const shadow = /** @type {Element} */ (node).shadowRoot;
  if (shadow) forget(shadow);
}

/**
 * Apply one render's operations, in order.
 * @param {any[]} ops
 */
export function apply(ops) {
  let i = 0;
  while (i < ops.length) {
    switch (ops[i]) {
      case TEXT: {
        const node = nodes[ops[i + 1]];
        if (node) node.nodeValue = ops[i + 2];
        i += 3;
        break;
      }
      case ATTR: {
        const el = /** @type {Element | undefined} */ (nodes[ops[i + 1]]);
        if (el) setAttribute(el, ops[i + 2], ops[i + 3]);
        i += 4;
        break;
      }
      case INSERT: {
        const parent = nodes[ops[i + 1]];
        const before = ops[i + 2] ? nodes[ops[i + 2]] || null : null;
        parent?.insertBefore(build(ops[i + 3]), before);
        remarkIfSlotParent(parent);
        i += 4;
        break;
      }
      case MOVE: {
        const node = nodes[ops[i + 1]];
        const parent = nodes[ops[i + 2]];
        const before = ops[i + 3] ? nodes[ops[i + 3]] || null : null;
        if (node && parent) parent.insertBefore(node, before);
        i += 4;
        break;
      }
      case REMOVE: {
        const node = nodes[ops[i + 1]];
        if (node) {
          forget(node);
          const parent = node.parentNode;
          parent?.removeChild(node);
          remarkIfSlotParent(parent);
        }
        i += 2;
        break;
      }
      case PROP: {
        // Object and array attributes of built-in elements: `__props`, and a hook to react to them.
        const el = /** @type {any} */ (nodes[ops[i + 1]]);
        if (el) {
          (el.__props ||= {})[ops[i + 2]] = ops[i + 3];
          if (typeof el.hutongPropChanged === 'function') el.hutongPropChanged(ops[i + 2], ops[i + 3]);
          if (ops[i + 2] === 'animation') playAnimation(el, ops[i + 3]);
        }
        i += 4;
        break;
      }
      case EVENTS: {
        const el = /** @type {any} */ (nodes[ops[i + 1]]);
        if (el) setEvents(el, ops[i + 2]);
        i += 3;
        break;
      }
      default:
        throw new Error(`unknown render operation ${ops[i]} at ${i}`);
    }
  }
}

/**
 * Take down everything the page shows (the initial rendering cache, before the real first render):
 * its nodes, their ids, and the shadow roots that were sharing the page's styles.
 */
export function clearPage() {
  for (const id of [ROOT_ID, TAB_BAR_ID]) {
    const container = /** @type {Element | undefined} */ (nodes[id]);
    if (!container) continue;
    for (let child = container.firstChild; child; child = child.nextSibling) forget(child);
    container.replaceChildren();
  }
  for (const root of sharingRoots) if (!root.host.isConnected) sharingRoots.delete(root);
}

/** @param {number} id */
export function nodeById(id) {
  return nodes[id];
}
