// @ts-check
/**
 * One page's view layer, in a sandboxed frame with an opaque origin. It hears only the MessagePort the
 * host hands it: it applies the DOM operations the logic thread sends, reports input, page scrolling
 * and pull-down, and measures nodes for selector queries.
 */
// Every module of the frame is named here; the server bundles this graph into view/view.html (runtime_bundle.py).
import '../common/ops.js';
import './builtin-tags.js';
import './components/index.js';
import { platform, setSender } from './components/base.js';
import { setReporter } from './diagnostics.js';
import { listen } from './events.js';
import { loadFont } from './fonts.js';
import { setKeyboardSender } from './keyboard.js';
import { snapshot } from './snapshot.js';
import { clearAnimation, startAnimation } from './keyframes.js';
import { apply, clearPage, installPage, nodeById } from './vdom.js';

/** @type {MessagePort | null} the host's port */
let port = null;
/** @type {MessagePort | null} the logic thread's port for this page (brokered by the host) */
let logic = null;
/** What goes to the logic thread directly; everything else goes to the host. */
const TO_LOGIC = new Set(['event', 'rendered', 'page:event', 'query:result', 'intersection', 'builtin', 'component:answer', 'animate:done', 'font:done', 'keyboard', 'key']);
const root = /** @type {HTMLElement} */ (document.querySelector('wx-page'));
const started = performance.now();
/** @type {Record<string, any>} */
let windowConfig = {};
/** @type {Record<string, boolean>} */
let listens = {};

/**
 * True while the page shows its initial rendering cache (logic/rendering-cache.js): a picture of the
 * page that answers nothing, so what its nodes would report goes nowhere until the real render.
 */
let showingCache = false;

/** @param {Record<string, any>} message @param {Transferable[]} [transfer] */
function send(message, transfer) {
  if (TO_LOGIC.has(message.t)) {
    if (!showingCache) logic?.postMessage(message, transfer || []);
  } else port?.postMessage(message, transfer || []);
}

setReporter(send);
setSender(send);
setKeyboardSender(send);
// wx.onKeyDown / onKeyUp: a physical keyboard's keys while this page has focus (as PC WeChat reports them).
for (const type of ['keydown', 'keyup']) {
  document.addEventListener(type, (event) => send({ t: 'key', type, key: event.key, code: event.code, timeStamp: Math.round(event.timeStamp) }), true);
}

/**
 * WeChat's default styles as a constructable stylesheet, for the shadow roots of custom components
 * (the document has them from the <style> the server puts in view.html; a <link> to builtins.css, as in
 * the file itself, is read here through CORS).
 */
async function builtinSheet() {
  const link = /** @type {HTMLLinkElement | HTMLStyleElement} */ (document.getElementById('hutong-builtins'));
  if (!link.sheet) {
    await new Promise((resolve) => {
      link.addEventListener('load', resolve, { once: true });
      link.addEventListener('error', resolve, { once: true });
    });
  }
  const sheet = new CSSStyleSheet();
  const rules = link.sheet ? Array.from(link.sheet.cssRules, (rule) => rule.cssText) : [];
  sheet.replaceSync(rules.join('\n'));
  return sheet;
}

/** @param {string} name @param {any} [arg] */
function pageEvent(name, arg) {
  send({ t: 'page:event', name, arg });
}

// -- scrolling: onPageScroll (only when the page has it), onReachBottom once per entry ---------------
let scrollQueued = false;
let inBottomZone = false;

function onScroll() {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    const scrollTop = document.scrollingElement?.scrollTop || 0;
    if (listens.onPageScroll) pageEvent('onPageScroll', { scrollTop });
    checkBottom();
  });
}

function checkBottom() {
  const scroller = /** @type {Element} */ (document.scrollingElement);
  const distance = Number(windowConfig.onReachBottomDistance ?? 50);
  const atBottom = scroller.scrollHeight - scroller.scrollTop - window.innerHeight <= distance;
  if (atBottom && !inBottomZone && scroller.scrollHeight > window.innerHeight && listens.onReachBottom) {
    pageEvent('onReachBottom');
  }
  inBottomZone = atBottom;
}

// -- pull-down refresh --------------------------------------------------------------------------------
const PULL_TRIGGER = 50;
/** @type {HTMLElement | null} */
let refresher = null;
let pullStart = -1;
let refreshing = false;

function showRefresher() {
  if (!refresher) {
    refresher = document.createElement('div');
    refresher.className = 'hutong-refresh';
    refresher.setAttribute('aria-label', 'Refreshing');
    refresher.innerHTML = '<i></i><i></i><i></i>';
    refresher.style.background = windowConfig.backgroundColor || '';
    if (windowConfig.backgroundTextStyle === 'light') refresher.classList.add('light');
    document.body.prepend(refresher);
  }
  refresher.hidden = false;
}

function startRefresh() {
  if (refreshing) return;
  refreshing = true;
  showRefresher();
  pageEvent('onPullDownRefresh');
}

function stopRefresh() {
  refreshing = false;
  if (refresher) refresher.hidden = true;
}

/** @param {PointerEvent} event */
function onPullStart(event) {
  pullStart = windowConfig.enablePullDownRefresh && (document.scrollingElement?.scrollTop || 0) <= 0 ? event.clientY : -1;
}

/** @param {PointerEvent} event */
function onPullMove(event) {
  if (pullStart < 0 || refreshing) return;
  if (event.clientY - pullStart > PULL_TRIGGER) {
    pullStart = -1;
    startRefresh();
  }
}

// -- selector queries and intersection observers ------------------------------------------------------
/** @param {Element} el @param {Record<string, any>} fields */
function measure(el, fields) {
  /** @type {Record<string, any>} */
  const out = {};
  if (fields.rect || fields.size) {
    const rect = el.getBoundingClientRect();
    if (fields.rect) Object.assign(out, { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom });
    if (fields.size) Object.assign(out, { width: rect.width, height: rect.height });
  }
  // A canvas node starts at its CSS size (logic/api/canvas.js).
  if (fields.node && el.localName === 'wx-canvas') out.__nodeSize = [el.clientWidth, el.clientHeight];
  if (fields.scrollOffset) {
    Object.assign(out, { scrollLeft: el.scrollLeft, scrollTop: el.scrollTop, scrollWidth: el.scrollWidth, scrollHeight: el.scrollHeight });
  }
  if (Array.isArray(fields.computedStyle)) {
    const style = getComputedStyle(el);
    for (const name of fields.computedStyle) out[name] = style.getPropertyValue(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
  return out;
}

/** @param {{qid: number, requests: {ids: number[], fields: Record<string, any>, viewport: boolean}[]}} message */
function answerQuery(message) {
  const results = message.requests.map((request) => {
    if (request.viewport) {
      const scroller = /** @type {Element} */ (document.scrollingElement);
      const out = measure(scroller, request.fields);
      if (request.fields.rect || request.fields.size) {
        Object.assign(out, request.fields.size ? { width: window.innerWidth, height: window.innerHeight } : {});
        if (request.fields.rect) Object.assign(out, { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight });
      }
      return [out];
    }
    return request.ids
      .map((id) => nodeById(id))
      .filter((el) => el && el.nodeType === 1)
      .map((el) => measure(/** @type {Element} */ (el), request.fields));
  });
  send({ t: 'query:result', qid: message.qid, results });
}

/** @type {Map<number, IntersectionObserver>} */
const intersections = new Map();

/** @param {Record<string, any>} message */
function observe(message) {
  const target = /** @type {Element | undefined} */ (nodeById(message.target));
  if (!target) return;
  const rootEl = message.root ? /** @type {Element} */ (nodeById(message.root)) : null;
  const m = message.margins || {};
  const px = (/** @type {any} */ v) => `${Number(v) || 0}px`;
  let first = true;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        // WeChat reports the first state only when it differs from initialRatio.
        if (first && entry.intersectionRatio === message.initialRatio) {
          first = false;
          continue;
        }
        first = false;
        const rect = (/** @type {DOMRectReadOnly | null} */ r) =>
          r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height } : {};
        send({
          t: 'intersection',
          oid: message.oid,
          entry: {
            intersectionRatio: entry.intersectionRatio,
            intersectionRect: rect(entry.intersectionRect),
            boundingClientRect: rect(entry.boundingClientRect),
            relativeRect: rect(entry.rootBounds),
            time: Math.round(entry.time),
          },
        });
      }
    },
    {
      root: rootEl,
      rootMargin: `${px(m.top)} ${px(m.right)} ${px(m.bottom)} ${px(m.left)}`,
      threshold: message.thresholds,
    },
  );
  observer.observe(target);
  intersections.set(message.oid, observer);
}

/** @param {Record<string, any>} message */
function scrollTo(message) {
  let top = Number(message.scrollTop) || 0;
  if (message.selector) {
    const el = document.querySelector(message.selector);
    if (el) top = el.getBoundingClientRect().top + window.scrollY + (Number(message.offsetTop) || 0);
  }
  window.scrollTo({ top, behavior: Number(message.duration) === 0 ? 'instant' : 'smooth' });
}

// -- messages from the host ---------------------------------------------------------------------------
/** What only the host's port may say: each brings code to run in this frame. */
const FROM_HOST_ONLY = new Set(['prepare', 'init', 'snapshot']);
/** @type {any} the app's view bundle: templates and styles */
let viewBundle = null;
let viewLoaded = false;
/** @type {Promise<CSSStyleSheet> | null} WeChat's default styles for shadow roots */
let sheet = null;

/** Run the app's view code (text the host verified) and keep what the app gave. @param {Record<string, any>} message */
async function loadView(message) {
  /** @type {any} */ (globalThis).__hutong_view = (/** @type {any} */ b) => {
    // A subpackage page gets the main view bundle, then its package's: merge them.
    viewBundle = viewBundle ? Object.fromEntries(Object.keys({ ...viewBundle, ...b }).map((k) => [k, { ...viewBundle[k], ...b[k] }])) : b;
  };
  if (message.viewCode) {
    const url = URL.createObjectURL(new Blob([message.viewCode], { type: 'text/javascript' }));
    await import(url);
    URL.revokeObjectURL(url);
  }
  platform.webviewDomains = Array.isArray(message.webview) ? message.webview : [];
  platform.assets = message.assets || {};
  platform.map = message.map || null;
  viewLoaded = true;
  // Made now rather than when the page needs it.
  sheet ??= builtinSheet();
}

/** @param {MessageEvent} event */
async function onMessage(event) {
  const message = event.data;
  switch (message.t) {
    case 'prepare':
      // The app's view code ahead of the page it will show (host/miniprogram.js prime).
      await loadView(message);
      break;
    case 'init': {
      if (message.viewCode || !viewLoaded) await loadView(message);
      windowConfig = message.window || {};
      platform.webviewDomains = Array.isArray(message.webview) ? message.webview : [];
      platform.assets = message.assets || {};
      platform.map = message.map || null;
      platform.route = message.route || '';
      installPage(root, await (sheet ??= builtinSheet()), viewBundle?.wxss || {}, message.route);
      if (windowConfig.backgroundColor) document.documentElement.style.background = windowConfig.backgroundColor;
      // disableScroll: the page itself never scrolls (scroll-views inside it still do).
      if (windowConfig.disableScroll) document.documentElement.style.overflow = 'hidden';
      if (Array.isArray(message.cache) && message.cache.length) {
        try {
          apply(message.cache);
          showingCache = true;
          send({ t: 'cachedcontent', ms: performance.now() - started });
        } catch {
          clearPage(); // a cache this runtime cannot read: the page waits for its render, as without one
        }
      }
      send({ t: 'ready' });
      logic = event.ports[0] || null;
      // The logic thread may render and ask, never hand the frame code: that is the host's alone.
      if (logic) logic.onmessage = (direct) => !FROM_HOST_ONLY.has(direct.data?.t) && onMessage(direct);
      break;
    }
    case 'render':
      if (message.listens) listens = message.listens;
      if (showingCache && message.seq === 0) {
        clearPage();
        showingCache = false;
      }
      apply(message.ops);
      send({ t: 'rendered', seq: message.seq });
      if (message.seq === 0) send({ t: 'firstcontent', firstContentMs: performance.now() - started });
      if (message.seq === 0 && listens.onReachBottom) requestAnimationFrame(checkBottom);
      break;
    case 'query':
      answerQuery(message);
      break;
    case 'snapshot': {
      // The share card's picture when the page gives none (view/snapshot.js): PNG bytes to the host.
      const png = await snapshot().catch(() => null);
      send({ t: 'snapshot:done', req: message.req, png }, png ? [png] : []);
      break;
    }
    case 'observe':
      observe(message);
      break;
    case 'animate':
      startAnimation(message, (aid) => send({ t: 'animate:done', aid }));
      break;
    case 'blur': {
      // The focused field may sit in a built-in's or a component's shadow root.
      let focused = document.activeElement;
      while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
      if (focused instanceof HTMLElement) focused.blur();
      break;
    }
    case 'font':
      loadFont(message, send);
      break;
    case 'animate:clear':
      clearAnimation(message, (aid) => send({ t: 'animate:done', aid }));
      break;
    case 'unobserve':
      intersections.get(message.oid)?.disconnect();
      intersections.delete(message.oid);
      break;
    case 'scrollTo':
      scrollTo(message);
      break;
    case 'component:call': {
      // VideoContext, the legacy canvas context (logic/api/media-context.js).
      const el = /** @type {any} */ (nodeById(message.target));
      const has = el && typeof el.hutongCall === 'function';
      if (!message.ask) {
        if (has) el.hutongCall(message.method, message.args || []);
        break;
      }
      // A call that waits for its answer (canvasToTempFilePath, canvasGetImageData, draw's callback).
      const answer = (/** @type {Record<string, any>} */ reply, /** @type {Transferable[]} */ transfer = []) => send({ t: 'component:answer', ask: message.ask, ...reply }, transfer);
      Promise.resolve(has ? el.hutongCall(message.method, message.args || []) : Promise.reject(new Error('element not found'))).then(
        (value) => answer({ value }, value && value.bitmap ? [value.bitmap] : []),
        (error) => answer({ error: String(error?.message || error) }),
      );
      break;
    }
    case 'pulldown:start':
      startRefresh();
      break;
    case 'pulldown:stop':
      stopRefresh();
      break;
    default:
      break;
  }
}

listen(send);
window.addEventListener('scroll', onScroll, { passive: true });
window.addEventListener('resize', () =>
  pageEvent('onResize', { size: { windowWidth: window.innerWidth, windowHeight: window.innerHeight } }),
);
document.addEventListener('pointerdown', onPullStart, { capture: true, passive: true });
document.addEventListener('pointermove', onPullMove, { capture: true, passive: true });

window.addEventListener('message', (event) => {
  if (port || event.source !== window.parent) return;
  // A host that started listening after this frame announced itself asks again (host/preboot.js).
  if (event.data?.t === 'hello') window.parent.postMessage({ t: 'frame:booted' }, '*');
  // Only the host's first message carries the port; everything after arrives on the port itself.
  if (!event.ports[0]) return;
  port = event.ports[0];
  // Handle messages strictly one after another: `init` awaits the bundle's import.
  let queue = Promise.resolve();
  port.onmessage = (message) => {
    queue = queue.then(() => onMessage(message));
  };
});
window.parent.postMessage({ t: 'frame:booted' }, '*');
