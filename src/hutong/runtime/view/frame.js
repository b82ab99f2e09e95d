// @ts-check
/**
 * One page's view layer, in a sandboxed frame with an opaque origin. It hears only the MessagePort the
 * host hands it, runs the compiled templates and keeps the DOM in line with the page's data.
 */
import { parsePath, setPath } from '../common/data-path.js';
import { dispatchEvent } from './events.js';
import { setReporter } from './diagnostics.js';
import { R } from './render-helpers.js';
import { create, patchChildren } from './vdom.js';

/** @type {MessagePort | null} */
let port = null;
/** @type {Record<string, any>} */
let data = {};
/** @type {import('./vdom.js').VNode[]} */
let tree = [];
/** @type {((d: Record<string, any>) => any[]) | null} */
let render = null;
const root = /** @type {Element} */ (document.querySelector('wx-page'));
const started = performance.now();

/** @param {Record<string, any>} message */
function send(message) {
  port?.postMessage(message);
}

setReporter(send);

/** @param {Record<string, any>} bundle */
function install(bundle, /** @type {string} */ route) {
  const styles = [bundle.wxss.app, bundle.wxss[route]].filter(Boolean).join('\n');
  const style = document.createElement('style');
  style.textContent = styles;
  document.head.appendChild(style);
  R.use(bundle, send);
  const factory = bundle.wxml[route];
  if (!factory) throw new Error(`page "${route}" has no template`);
  render = factory(R).render;
}

function draw() {
  if (!render) return;
  const next = render(data);
  if (tree.length === 0 && root.childNodes.length === 0) {
    for (const vnode of next) root.appendChild(create(vnode));
  } else {
    patchChildren(root, tree, next);
  }
  tree = next;
}

/** @param {MessageEvent} event */
async function onMessage(event) {
  const message = event.data;
  if (message.t === 'init') {
    /** @type {any} */
    let bundle = null;
    /** @type {any} */ (globalThis).__hutong_view = (/** @type {any} */ b) => {
      // A subpackage page gets the main view bundle, then its package's: merge them.
      bundle = bundle ? Object.fromEntries(Object.keys({ ...bundle, ...b }).map((k) => [k, { ...bundle[k], ...b[k] }])) : b;
    };
    const url = URL.createObjectURL(new Blob([message.viewCode], { type: 'text/javascript' }));
    await import(url);
    URL.revokeObjectURL(url);
    install(bundle, message.route);
    send({ t: 'ready' });
  } else if (message.t === 'data') {
    const changes = JSON.parse(message.data);
    if (message.seq === 0) data = changes;
    else for (const path in changes) setPath(data, parsePath(path), changes[path]);
    draw();
    send({ t: 'rendered', seq: message.seq, firstContentMs: performance.now() - started });
  }
}

root.addEventListener('click', (event) => {
  const target = /** @type {Element} */ (event.target);
  const rect = target.getBoundingClientRect();
  dispatchEvent(
    target,
    'tap',
    { x: event.pageX ?? rect.left, y: event.pageY ?? rect.top },
    Math.round(event.timeStamp),
    (handler, wxEvent) =>
      typeof handler === 'function' ? R.wxsEvent(handler, wxEvent) : send({ t: 'event', handler, event: wxEvent }),
  );
});

window.addEventListener('message', (event) => {
  // Only the host's first message carries the port; everything after arrives on the port itself.
  if (port || event.source !== window.parent || !event.ports[0]) return;
  port = event.ports[0];
  // Handle messages strictly one after another: `init` awaits the bundle's import.
  let queue = Promise.resolve();
  port.onmessage = (message) => {
    queue = queue.then(() => onMessage(message));
  };
});
window.parent.postMessage({ t: 'frame:booted' }, '*');
