// @ts-check
/**
 * WeChat's initial rendering cache (`initialRenderingCache` in a page's json or app.json's window):
 * the logic thread records what a page looks like with its initial data, the host keeps it per app,
 * release and person (host/rendering-cache.js), and the next time the page opens its frame draws that
 * before this thread has run anything (view/frame.js); the page's real first render replaces it.
 *
 * - `static`: recorded on the page's first open, its template applied to its `data` with its components
 *   created and attached, before onLoad (nothing setData does in onLoad is in it), as WeChat records it.
 * - `dynamic`: recorded only when the page calls `this.setInitialRenderingCache(dynamicData)`, the
 *   initial data with `dynamicData` over it, rendered again in the background; the last call wins and
 *   `null` forgets the page's cache.
 *
 * Only WeChat's supported built-ins are kept (view, text, button, image, scroll-view, rich-text; custom
 * components with what they hold), and no node keeps its event bindings: a cached page is a picture
 * that does not answer input until its real render arrives.
 */
import { appConfig } from './app-config.js';
import { send } from './bridge.js';
import { copyData } from './copy.js';
import { guard } from './errors.js';
import { PageTree } from './tree.js';
import { INSERT, ROOT_ID } from '../common/ops.js';
import { renderingCacheMode } from '../common/page-config.js';

const SUPPORTED = new Set(['wx-view', 'wx-text', 'wx-button', 'wx-image', 'wx-scroll-view', 'wx-rich-text']);

/** @param {string} route */
const cacheMode = (route) => renderingCacheMode(appConfig(), route);

/**
 * A serialized subtree (common/ops.js) as the cache keeps it: unsupported built-ins left out, no
 * event bindings. @param {any[]} node @returns {any[] | null}
 */
function inert(node) {
  if (node.length === 2) return node;
  const [id, tag, attrs, , children, shadow, props] = node;
  if (tag.startsWith('wx-') && !SUPPORTED.has(tag)) return null;
  const kept = children.map(inert).filter(Boolean);
  const shadowKept = shadow ? [shadow[0], shadow[1], shadow[2], shadow[3].map(inert).filter(Boolean), shadow[4]] : 0;
  return props ? [id, tag, attrs, '', kept, shadowKept, props] : [id, tag, attrs, '', kept, shadowKept];
}

/** The page's mounted content as one render's operations. @param {PageTree} tree */
function opsOf(tree) {
  /** @type {any[]} */
  const ops = [];
  for (const child of tree.root.c) {
    const node = inert(tree.serialize(child));
    if (node) ops.push(INSERT, ROOT_ID, 0, node);
  }
  return ops;
}

/** @param {any} page @param {any[] | null} ops */
function keep(page, ops) {
  send({ t: 'renderingcache', id: page.__pageId, ops });
}

/**
 * `static`: what the page shows with its initial data, recorded once its components are attached and
 * before onLoad (page.js). Returns the operations to keep, or null when there is nothing to record.
 * @param {PageTree} tree @param {string} route @param {boolean} record the host keeps none for this release
 */
export function staticCache(tree, route, record) {
  if (!record || cacheMode(route) !== 'static') return null;
  return guard(() => opsOf(tree)) || null;
}

/** Send what staticCache recorded, after the page's first render. @param {any} page @param {any[] | null} ops */
export function keepStatic(page, ops) {
  if (ops) keep(page, ops);
}

/**
 * `this.setInitialRenderingCache(dynamicData)`: render the page's template again, in a tree of its own,
 * from the initial data with `dynamicData` over it, and keep that. Components in it are created (their
 * templates need them) but never attached: the background render is not a second page.
 * @param {any} page @param {Record<string, any> | null} dynamicData
 */
export function setDynamicCache(page, dynamicData) {
  if (cacheMode(page.route) !== 'dynamic' || !page.__alive) return;
  if (dynamicData === null) {
    keep(page, null);
    return;
  }
  if (typeof dynamicData !== 'object') throw new TypeError('setInitialRenderingCache expects an object or null');
  const ops = guard(() => {
    const tree = new PageTree(page.__pageId);
    const initial = copyData(page.__def.data) || {};
    const data = { ...initial, ...copyData(dynamicData) };
    const vnodes = page.__render(data);
    tree.root.o = page;
    tree.root.c = vnodes.map((/** @type {any} */ vnode) => tree.mount(vnode, tree.root, page));
    return opsOf(tree);
  });
  if (ops) keep(page, ops);
}
