// @ts-check
/** Basic content: icon (inline SVG), progress, text (decode, space, selectable), rich-text (sanitised), navigator. */
import { emit } from '../events.js';
import { Builtin, define, flag, num, toLogic } from './base.js';

// -- icon -------------------------------------------------------------------------------------------------
const RING = '<circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="1.5"/>';
const DISC = '<circle cx="12" cy="12" r="11" fill="currentColor"/>';
const SHIELD = '<path d="M12 1.5l9 3.5v6.5c0 5.3-3.8 9.7-9 11-5.2-1.3-9-5.7-9-11V5z" fill="currentColor"/>';
const TICK_ON_DISC = '<path d="M6.5 12.3l3.6 3.6 7.4-7.6" fill="none" stroke="#fff" stroke-width="1.8"/>';
const BANG = (/** @type {string} */ c) => `<rect x="11" y="6" width="2" height="8" fill="${c}"/><rect x="11" y="16" width="2" height="2" fill="${c}"/>`;
const DOT_I = (/** @type {string} */ c) => `<rect x="11" y="10" width="2" height="8" fill="${c}"/><rect x="11" y="6" width="2" height="2" fill="${c}"/>`;
const CROSS = (/** @type {string} */ c, w = 1.8) => `<path d="M8 8l8 8M16 8l-8 8" stroke="${c}" stroke-width="${w}"/>`;

/** WeChat's icon types: the drawing and the default colour. */
export const ICONS = /** @type {Record<string, [string, string]>} */ ({
  success: [DISC + TICK_ON_DISC, '#09bb07'],
  success_no_circle: ['<path d="M3.5 12.5l5.5 5.5L21 6" fill="none" stroke="currentColor" stroke-width="2"/>', '#09bb07'],
  info: [DISC + DOT_I('#fff'), '#10aeff'],
  warn: [DISC + BANG('#fff'), '#f76260'],
  waiting: [DISC + '<path d="M12 6v6.5l4 2.5" fill="none" stroke="#fff" stroke-width="1.8"/>', '#10aeff'],
  cancel: [DISC + CROSS('#fff'), '#f43530'],
  download: [DISC + '<path d="M12 6v9M8 11.5l4 4 4-4M7.5 18h9" fill="none" stroke="#fff" stroke-width="1.8"/>', '#09bb07'],
  search: ['<circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M15.3 15.3l5 5" stroke="currentColor" stroke-width="2"/>', '#b2b2b2'],
  clear: [DISC + CROSS('#fff', 1.6), '#b2b2b2'],
  circle: [RING, '#c9c9c9'],
  info_circle: [RING + DOT_I('currentColor'), '#09bb07'],
  // The first base library's types, still drawn by WeChat and still in public apps and demos.
  success_circle: [RING + '<path d="M7 12.3l3.4 3.4 6.6-6.8" fill="none" stroke="currentColor" stroke-width="1.6"/>', '#09bb07'],
  waiting_circle: [RING + '<path d="M12 6.5v6l3.8 2.3" fill="none" stroke="currentColor" stroke-width="1.6"/>', '#10aeff'],
  safe_success: [SHIELD + '<path d="M8 12l3 3 5-5.5" fill="none" stroke="#fff" stroke-width="1.8"/>', '#09bb07'],
  safe_warn: [SHIELD + BANG('#fff'), '#ffbe00'],
});

class Icon extends Builtin {
  static observed = ['type', 'size', 'color'];

  constructor() {
    super();
    this.shadow(':host { display: inline-block; font-size: 0; vertical-align: middle; } svg { display: block; }', '<svg viewBox="0 0 24 24"></svg>');
  }

  render() {
    const type = this.getAttribute('type') || '';
    const icon = ICONS[type];
    const svg = /** @type {SVGElement} */ (this.shadowRoot?.querySelector('svg'));
    const raw = this.getAttribute('size') || '23';
    const size = /rpx$/.test(raw) ? `${parseFloat(raw) / 7.5}vw` : /^\d+(\.\d+)?$/.test(raw) ? `${raw}px` : raw;
    svg.style.width = size;
    svg.style.height = size;
    svg.style.color = this.getAttribute('color') || (icon ? icon[1] : 'currentColor');
    svg.innerHTML = icon ? icon[0] : '';
    this.setAttribute('aria-label', type);
  }
}
define('wx-icon', Icon);

// -- progress ---------------------------------------------------------------------------------------------
const PROGRESS_CSS = `:host { display: flex; align-items: center; }
.bar { flex: 1; background: var(--bg, #ebebeb); border-radius: var(--radius, 0); overflow: hidden; }
.inner { height: var(--w, 6px); width: 0; background: var(--fg, #09bb07); border-radius: var(--radius, 0); }
.info { margin-left: 15px; font-size: 16px; min-width: 2em; }
.info[hidden] { display: none; }`;

class Progress extends Builtin {
  static observed = ['percent', 'show-info', 'border-radius', 'font-size', 'stroke-width', 'color', 'activecolor',
    'active-color', 'backgroundcolor', 'background-color', 'active', 'active-mode', 'duration'];
  shown = 0;

  constructor() {
    super();
    this.shadow(PROGRESS_CSS, '<div class="bar"><div class="inner" role="progressbar"></div></div><span class="info"></span>');
  }

  render() {
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const percent = Math.min(100, Math.max(0, num(this, 'percent', 0)));
    const px = (/** @type {string} */ v) => (/^\d+(\.\d+)?$/.test(v) ? `${v}px` : v);
    const set = (/** @type {string} */ name, /** @type {string | null} */ v) => (v ? this.style.setProperty(name, v) : this.style.removeProperty(name));
    set('--w', this.getAttribute('stroke-width') ? px(String(this.getAttribute('stroke-width'))) : null);
    set('--fg', this.getAttribute('activeColor') || this.getAttribute('active-color') || this.getAttribute('color'));
    set('--bg', this.getAttribute('backgroundColor') || this.getAttribute('background-color'));
    set('--radius', this.getAttribute('border-radius') ? px(String(this.getAttribute('border-radius'))) : null);
    const inner = /** @type {HTMLElement} */ (root.querySelector('.inner'));
    const info = /** @type {HTMLElement} */ (root.querySelector('.info'));
    info.hidden = !flag(this, 'show-info');
    info.textContent = `${percent}%`;
    if (this.getAttribute('font-size')) info.style.fontSize = px(String(this.getAttribute('font-size')));
    inner.setAttribute('aria-valuenow', String(percent));
    const from = flag(this, 'active') && this.getAttribute('active-mode') !== 'forwards' ? 0 : this.shown;
    const ms = Math.abs(percent - from) * num(this, 'duration', 30);
    if (flag(this, 'active') && ms > 0) {
      inner.animate([{ width: `${from}%` }, { width: `${percent}%` }], { duration: ms, easing: 'linear' })
        .finished.then(() => emit(this, 'activeend', { curPercent: percent }), () => {});
    }
    inner.style.width = `${percent}%`;
    this.shown = percent;
  }
}
define('wx-progress', Progress);

// -- text -------------------------------------------------------------------------------------------------
const ENTITIES = /** @type {Record<string, string>} */ ({ nbsp: '\u00a0', lt: '<', gt: '>', amp: '&', apos: "'", ensp: '\u2002', emsp: '\u2003' });
const SPACES = /** @type {Record<string, string>} */ ({ ensp: '\u2002', emsp: '\u2003', nbsp: '\u00a0' });

/**
 * `<text decode space>` rewrite their text nodes; the text the logic thread set is kept in `__raw` so
 * that later TEXT operations can be rewritten too (vdom sets nodeValue; a MutationObserver catches it).
 */
class Text extends Builtin {
  static observed = ['decode', 'space', 'selectable', 'user-select'];
  /** @type {MutationObserver | null} */
  watcher = null;

  render() {
    this.toggleAttribute('hutong-selectable', flag(this, 'selectable') || flag(this, 'user-select'));
    if (!this.hasAttribute('decode') && !this.hasAttribute('space')) return;
    this.rewrite();
    if (!this.watcher) {
      this.watcher = new MutationObserver(() => this.rewrite());
      this.watcher.observe(this, { characterData: true, childList: true, subtree: true });
    }
  }

  rewrite() {
    const decode = flag(this, 'decode');
    const space = this.getAttribute('space');
    for (const node of Array.from(this.childNodes)) {
      if (node.nodeType !== 3) continue;
      const any = /** @type {any} */ (node);
      if (any.__done === node.nodeValue) continue;
      let text = String(node.nodeValue);
      if (decode) text = text.replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, (_, name) => ENTITIES[name]);
      if (space && SPACES[space]) text = text.replace(/ /g, SPACES[space]);
      any.__done = text;
      if (text !== node.nodeValue) node.nodeValue = text;
    }
  }
}
define('wx-text', Text);

// -- rich-text --------------------------------------------------------------------------------------------
/** The tags rich-text shows (WeChat's list); anything else is dropped with its content kept as text. */
const RICH_TAGS = new Set(('a abbr address article aside b bdi bdo big br caption center cite code col colgroup dd del div dl dt em ' +
  'fieldset font footer h1 h2 h3 h4 h5 h6 header hr i img ins label legend li mark nav ol p pre q rt ruby s section small span ' +
  'strong sub sup table tbody td tfoot th thead tr tt u ul').split(' '));
const DROP_WITH_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math', 'link', 'meta']);
const RICH_ATTRS = new Set(['class', 'style', 'src', 'alt', 'width', 'height', 'title', 'align', 'colspan', 'rowspan', 'span',
  'start', 'type', 'dir', 'color', 'size', 'face', 'id', 'href']);

/** A URL rich-text may keep: no script, no data other than images. @param {string} name @param {string} value */
function safeUrl(name, value) {
  const v = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  if (/^(javascript|vbscript):/.test(v)) return false;
  if (v.startsWith('data:')) return name === 'src' && /^data:image\/(png|jpe?g|gif|webp);/.test(v);
  return true;
}

/** @param {string} style */
function safeStyle(style) {
  return /expression\s*\(|javascript:|url\s*\(\s*['"]?\s*javascript:/i.test(style) ? '' : style;
}

/** @param {Element} to @param {string} name @param {string} value */
function copyAttr(to, name, value) {
  const lower = name.toLowerCase();
  if (!RICH_ATTRS.has(lower) || lower.startsWith('on')) return;
  if ((lower === 'src' || lower === 'href') && !safeUrl(lower, value)) return;
  to.setAttribute(lower, lower === 'style' ? safeStyle(value) : value);
}

/** Clean a node array (WeChat's `nodes` form) into `into`. @param {any[]} nodes @param {Node} into */
function buildNodes(nodes, into) {
  for (const node of nodes) {
    if (!node || typeof node !== 'object') continue;
    if (node.type === 'text') {
      into.appendChild(document.createTextNode(String(node.text ?? '').replace(/&(nbsp|lt|gt|amp|apos|ensp|emsp);/g, (_, n) => ENTITIES[n])));
      continue;
    }
    const name = String(node.name || '').toLowerCase();
    if (DROP_WITH_CONTENT.has(name)) continue;
    if (!RICH_TAGS.has(name)) {
      if (Array.isArray(node.children)) buildNodes(node.children, into);
      continue;
    }
    const el = document.createElement(name);
    for (const [key, value] of Object.entries(node.attrs || {})) copyAttr(el, key, String(value));
    if (Array.isArray(node.children)) buildNodes(node.children, el);
    into.appendChild(el);
  }
}

/** An HTML string parsed inertly (a template document runs nothing) and cleaned. @param {string} html @param {Node} into */
function buildHtml(html, into) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  /** @param {Node} from @param {Node} to */
  const walk = (from, to) => {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === 3) to.appendChild(document.createTextNode(String(child.nodeValue)));
      if (child.nodeType !== 1) continue;
      const el = /** @type {Element} */ (child);
      const name = el.localName;
      if (DROP_WITH_CONTENT.has(name)) continue;
      if (!RICH_TAGS.has(name)) {
        walk(el, to);
        continue;
      }
      const copy = document.createElement(name);
      for (const attr of Array.from(el.attributes)) copyAttr(copy, attr.name, attr.value);
      walk(el, copy);
      to.appendChild(copy);
    }
  };
  walk(doc.body, into);
}

class RichText extends HTMLElement {
  static get observedAttributes() {
    return ['nodes'];
  }

  constructor() {
    super();
    // Its own shadow root: the page's children and styles cannot reach in except through class names
    // (the page's stylesheets are adopted, as WeChat applies page classes inside rich-text).
    this.root = this.attachShadow({ mode: 'open' });
    // Links in rich-text do nothing in WeChat.
    this.root.addEventListener('click', (event) => {
      if (/** @type {Element} */ (event.target).closest?.('a')) event.preventDefault();
    });
  }

  connectedCallback() {
    // The classes of whoever's template holds it: the page's, or the custom component's own.
    const owner = /** @type {Document | ShadowRoot} */ (this.getRootNode());
    this.root.adoptedStyleSheets = owner.adoptedStyleSheets || document.adoptedStyleSheets;
    this.show(/** @type {any} */ (this).__props?.nodes ?? this.getAttribute('nodes'));
  }

  attributeChangedCallback() {
    if (this.isConnected && !(/** @type {any} */ (this).__props?.nodes)) this.show(this.getAttribute('nodes'));
  }

  /** @param {string} name @param {any} value */
  hutongPropChanged(name, value) {
    if (name === 'nodes') this.show(value);
  }

  /** @param {any} nodes */
  show(nodes) {
    const box = document.createElement('div');
    box.setAttribute('part', 'content');
    if (Array.isArray(nodes)) buildNodes(nodes, box);
    else if (nodes && typeof nodes === 'object') buildNodes([nodes], box);
    else if (typeof nodes === 'string') buildHtml(nodes, box);
    this.root.replaceChildren(box);
  }
}
define('wx-rich-text', RichText);

// -- navigator --------------------------------------------------------------------------------------------
class Navigator extends HTMLElement {
  connectedCallback() {
    if (!this.hasAttribute('hover-class')) this.setAttribute('hover-class', 'navigator-hover');
  }

  constructor() {
    super();
    this.addEventListener('click', () => {
      if (this.getAttribute('target') === 'miniProgram') {
        // Another mini program: the logic thread calls wx.navigateToMiniProgram (or navigateBack…/exit)
        // and fires bindsuccess/bindfail/bindcomplete with its answer.
        const props = /** @type {any} */ (this).__props || {};
        let extraData = props['extra-data'] ?? props.extraData;
        if (extraData === undefined) {
          try {
            extraData = JSON.parse(this.getAttribute('extra-data') || 'null') ?? undefined;
          } catch {
            extraData = undefined;
          }
        }
        toLogic(this, {
          action: 'mini-program',
          openType: this.getAttribute('open-type') || 'navigate',
          appId: this.getAttribute('app-id') || '',
          path: this.getAttribute('path') || '',
          version: this.getAttribute('version') || 'release',
          extraData,
        });
        return;
      }
      toLogic(this, {
        action: 'navigate',
        openType: this.getAttribute('open-type') || 'navigate',
        url: this.getAttribute('url') || '',
        delta: num(this, 'delta', 1),
      });
    });
  }
}
define('wx-navigator', Navigator);
