// @ts-check
/**
 * Sharing, the page's side: the capsule menu (from: 'menu') and `<button open-type="share">`
 * (from: 'button') call onShareAppMessage; the menu's timeline and favorites entries call
 * onShareTimeline and onAddToFavorites. What they return goes to the host, which draws the share
 * sheet. As in WeChat, a `promise` in onShareAppMessage's answer wins if it settles within 3 s.
 */
import { on, send } from './bridge.js';
import { callPage, instances } from './page.js';

const HANDLERS = /** @type {Record<string, string>} */ ({
  appMessage: 'onShareAppMessage',
  timeline: 'onShareTimeline',
  favorites: 'onAddToFavorites',
});
const PROMISE_WAIT_MS = 3000;

/** @param {any} value */
function plain(value) {
  if (!value || typeof value !== 'object') return {};
  /** @type {Record<string, any>} */
  const out = {};
  for (const key of ['title', 'path', 'imageUrl', 'query', 'disableForward']) {
    if (value[key] !== undefined && value[key] !== null && typeof value[key] !== 'object') out[key] = value[key];
  }
  return out;
}

/** Which share entries the page defines a handler for. @param {any} page */
export function shareHandlers(page) {
  return Object.fromEntries(Object.entries(HANDLERS).map(([kind, name]) => [kind, Boolean(page) && typeof page[name] === 'function']));
}

/**
 * Ask the page what to share and hand it to the host.
 * @param {any} page @param {string} kind appMessage, timeline or favorites @param {Record<string, any>} arg
 */
export async function share(page, kind, arg) {
  const name = HANDLERS[kind];
  if (!name) return;
  const returned = callPage(page, name, arg);
  let result = plain(returned);
  const promise = returned && typeof returned === 'object' ? returned.promise : null;
  if (kind === 'appMessage' && promise && typeof promise.then === 'function') {
    /** @type {any} */
    let timer;
    const settled = await Promise.race([
      Promise.resolve(promise).catch(() => null),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), PROMISE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (settled && typeof settled === 'object') result = { ...result, ...plain(settled) };
  }
  send({ t: 'share:show', id: page.__pageId, kind, from: arg?.from || 'menu', result });
}

on('share:which', (message) => {
  send({ t: 'share:handlers', req: message.req, handlers: shareHandlers(instances.get(message.id)) });
});

on('share:ask', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  const kind = String(message.kind);
  const arg = kind === 'appMessage' ? { from: 'menu' } : kind === 'favorites' ? { webviewUrl: '' } : undefined;
  share(page, kind, /** @type {any} */ (arg));
});
