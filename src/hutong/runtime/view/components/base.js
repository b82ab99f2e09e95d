// @ts-check
/** What every built-in component module shares: its own shadow root, attribute reading, a line to the logic thread. */

/** @type {(message: Record<string, any>) => void} */
let sender = () => {};

/** The frame hands over its `send` (frame.js). @param {(message: Record<string, any>) => void} send */
export function setSender(send) {
  sender = send;
}

/** Ask the logic thread for something only it can do (navigate, open types). @param {Element} el @param {Record<string, any>} message */
export function toLogic(el, message) {
  const id = /** @type {any} */ (el).__id;
  sender({ t: 'builtin', target: id, elementId: el.id || '', dataset: datasetOf(el), ...message });
}

/**
 * Tell the host something only it can answer (open-data, the nickname suggestion); it answers with a
 * `component:call` to this element. @param {Element} el @param {Record<string, any>} message
 */
export function toHost(el, message) {
  sender({ ...message, target: /** @type {any} */ (el).__id });
}

/** `data-*` attributes as WeChat's dataset (camelCased). @param {Element} el */
export function datasetOf(el) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const attr of Array.from(el.attributes)) {
    if (attr.name.startsWith('data-')) out[attr.name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = attr.value;
  }
  return out;
}

/** A boolean attribute as WeChat reads it: present and not "false". @param {Element} el @param {string} name */
export function flag(el, name) {
  const value = el.getAttribute(name);
  return value !== null && value !== 'false';
}

/** @param {Element} el @param {string} name @param {number} fallback */
export function num(el, name, fallback) {
  const value = el.getAttribute(name);
  if (value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * A built-in with script: a shadow root with its own small stylesheet and a slot for its children,
 * `render()` after each attribute change.
 */
export class Builtin extends HTMLElement {
  /** @type {string[]} */
  static observed = [];
  static get observedAttributes() {
    return this.observed;
  }

  /** @param {string} css @param {string} html */
  shadow(css, html) {
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${css}</style>${html}`;
    return root;
  }

  connectedCallback() {
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  render() {}
}

/** Define once (a module may be evaluated again in tests). @param {string} name @param {CustomElementConstructor} ctor */
export function define(name, ctor) {
  if (!customElements.get(name)) customElements.define(name, ctor);
}

/** The nearest ancestor (across shadow roots) with tag `tag`. @param {Node} node @param {string} tag */
export function closest(node, tag) {
  /** @type {any} */
  let n = node.parentNode || /** @type {any} */ (node).host;
  while (n) {
    if (n.nodeType === 1 && n.localName === tag) return n;
    n = n.assignedSlot || n.parentNode || n.host || null;
  }
  return null;
}

/** What the host told the frame about the app (frame.js sets it from `init`). */
export const platform = {
  /** Origins `<web-view>` may open (the manifest's webview domains). @type {string[]} */
  webviewDomains: /** @type {string[]} */ ([]),
  /** The app's assets: source path (`images/a.png`) to blob URL. @type {Record<string, string>} */
  assets: /** @type {Record<string, string>} */ ({}),
  /** This page's route, for paths relative to it. */
  route: '',
  /** The operator's map tiles (HUTONG_MAP_TILE_URL), or null: `<map>` draws a plain grid. @type {{url: string, attribution: string} | null} */
  map: /** @type {{url: string, attribution: string} | null} */ (null),
};

/**
 * A `src` as the app wrote it, made loadable: `/images/a.png` or `../../images/a.png` (relative to the
 * page, or to the custom component whose template holds `el`) becomes that asset's blob URL. URLs with a
 * scheme pass through; a path the app does not ship stays as written (and fails to load, with binderror).
 * @param {Element | null} el @param {string} src
 */
export function resolveAsset(el, src) {
  if (!src || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) return src;
  const clean = src.split(/[?#]/)[0];
  /** @type {any} */
  const root = el ? el.getRootNode() : null;
  const base = root && root.__path ? String(root.__path) : platform.route;
  const parts = clean.startsWith('/') ? [] : base.split('/').slice(0, -1);
  for (const part of clean.split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return platform.assets[parts.join('/')] || src;
}
