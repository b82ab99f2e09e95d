// @ts-check
/**
 * Pages: an instance per entry in the host's page stack, built from Page() or Component(); the first
 * render (components created and attached before onLoad, as in WeChat) goes out as one message.
 */
import { send } from './bridge.js';
import { ComponentInstance } from './component.js';
import { guard } from './errors.js';
import { flush, Instance } from './instance.js';
import { ROOT_ID, INSERT } from '../common/ops.js';
import { PageTree } from './tree.js';

/** @type {Map<number, any>} */
export const instances = new Map();
/** @type {any[]} */
export const stack = [];

/** Page events the frame reports only when the page has a handler: each is a message per scroll. */
const FRAME_EVENTS = ['onPageScroll', 'onReachBottom', 'onPullDownRefresh'];

/** @param {any} value */
function deepCopy(value) {
  if (value === undefined) return undefined;
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value));
  }
}

/** A page built with Page(): its options' functions are its methods, other keys are copied in. */
export class PageInstance extends Instance {
  /**
   * @param {PageTree} tree @param {import('./registry.js').Definition} def
   * @param {string} route @param {Record<string, string>} query
   */
  constructor(tree, def, route, query) {
    super(tree, def);
    this.data = deepCopy(def.data) || {};
    for (const [name, method] of Object.entries(def.methods)) /** @type {any} */ (this)[name] = method;
    for (const [name, value] of Object.entries(def.extra)) /** @type {any} */ (this)[name] = deepCopy(value);
  }
}

/**
 * The parts of a page instance that do not depend on how it was defined.
 * @param {any} page @param {number} id @param {string} route @param {Record<string, string>} query
 */
function pageFields(page, id, route, query) {
  page.route = route;
  page.__route__ = route;
  page.options = query;
  page.__pageId = id;
  page.__isPage = true;
  const router = {
    navigateTo: (/** @type {any} */ o) => globalThis.wx.navigateTo(o),
    redirectTo: (/** @type {any} */ o) => globalThis.wx.redirectTo(o),
    navigateBack: (/** @type {any} */ o) => globalThis.wx.navigateBack(o),
    switchTab: (/** @type {any} */ o) => globalThis.wx.switchTab(o),
    reLaunch: (/** @type {any} */ o) => globalThis.wx.reLaunch(o),
  };
  page.router = router;
  page.pageRouter = router;
}

/** @param {any} page @param {string} name @param {...any} args */
export function callPage(page, name, ...args) {
  const method = page && page[name];
  if (typeof method === 'function') return guard(() => method.apply(page, args));
  return undefined;
}

/**
 * Create the page, render it with its components, run onLoad and onShow, and send the frame the
 * whole first render in one message.
 * @param {number} id @param {string} route @param {Record<string, string>} query
 * @param {import('./registry.js').Definition} def
 * @param {(page: any) => void} [beforeLoad] wiring that must exist before onLoad (the opener's channel)
 */
export function createPage(id, route, query, def, beforeLoad) {
  const tree = new PageTree(id);
  /** @type {any} */
  let page;
  if (def.builtWith === 'Page') {
    page = new PageInstance(tree, def, route, query);
  } else {
    page = new ComponentInstance(def, null, null, tree);
    // Query parameters fill the properties of a page built with Component().
    page.__lifetime('created');
    page.__receive(query, true);
  }
  pageFields(page, id, route, query);
  tree.page = page;
  tree.root.o = page;
  page.__root = tree.root;
  tree.nodes.set(ROOT_ID, tree.root);
  instances.set(id, page);
  stack.push(page);
  if (beforeLoad) beforeLoad(page);
  let vnodes = [];
  try {
    vnodes = page.__render(page.data);
  } catch (error) {
    guard(() => {
      throw error;
    });
  }
  for (let i = 0; i < vnodes.length; i += 1) vnodes[i] = tree.mount(vnodes[i], tree.root, page);
  tree.root.c = vnodes;
  if (page instanceof ComponentInstance) tree.attachQueue.unshift(page);
  flush(tree); // components attached (before onLoad, as in WeChat)
  callPage(page, 'onLoad', query);
  callPage(page, 'onShow');
  flush(tree); // what onLoad and onShow changed, still before anything is sent
  tree.ops = [];
  for (const child of tree.root.c) tree.ops.push(INSERT, ROOT_ID, 0, tree.serialize(child));
  tree.inView = true;
  tree.readyAt.set(0, tree.readyQueue.splice(0));
  if (tree.pendingCallbacks.length) {
    tree.callbacks.set(0, tree.pendingCallbacks);
    tree.pendingCallbacks = [];
  }
  const ops = tree.ops;
  tree.ops = [];
  /** @type {Record<string, boolean>} */
  const listens = {};
  for (const name of FRAME_EVENTS) listens[name] = typeof page[name] === 'function';
  send({ t: 'render', id, seq: 0, ops, listens });
  return page;
}

/**
 * The frame applied render `seq`: ready lifetimes (and onReady after the first), then callbacks.
 * @param {any} page @param {number} seq
 */
export function rendered(page, seq) {
  const tree = /** @type {PageTree} */ (page.__tree);
  for (const [at, components] of tree.readyAt) {
    if (at > seq) continue;
    tree.readyAt.delete(at);
    for (const component of components) if (component !== page) component.__ready();
  }
  if (seq === 0) {
    if (page instanceof ComponentInstance) page.__lifetime('ready');
    callPage(page, 'onReady');
  }
  for (const [at, callbacks] of tree.callbacks) {
    if (at > seq) continue;
    tree.callbacks.delete(at);
    for (const callback of callbacks) guard(() => callback());
  }
}

/** @param {any} page @param {string} name @param {...any} args */
export function pageLifetime(page, name, ...args) {
  for (const component of page.__tree.components) component.__pageLifetime(name, ...args);
}

/** @param {number} id */
export function destroyPage(id) {
  const page = instances.get(id);
  if (!page) return;
  callPage(page, 'onUnload');
  const tree = /** @type {PageTree} */ (page.__tree);
  for (const child of tree.root.c) tree.unmount(child);
  if (page instanceof ComponentInstance) page.__detach();
  instances.delete(id);
  const index = stack.indexOf(page);
  if (index >= 0) stack.splice(index, 1);
  page.__alive = false;
}
