// @ts-check
/**
 * Pages: an instance per entry in the host's page stack, built from Page() or Component(); the first
 * render (components created and attached before onLoad, as in WeChat) goes out as one message.
 * Order, as WeChat's component framework has it: `created` innermost first (a component's template is
 * built before its own `created`); `attached` outermost first (a component, then what its template
 * holds, then its slot content), each relation linked right after the `attached` that completes it;
 * onLoad, onShow; after the first render, `ready` innermost first, then onReady. On removal,
 * `detached` innermost first, each relation unlinked after it.
 */
import { copyData } from './copy.js';
import { toView } from './bridge.js';
import { ComponentInstance } from './component.js';
import { guard } from './errors.js';
import { globalFonts } from './fonts.js';
import { pageShown } from './performance.js';
import { flush, Instance } from './instance.js';
import { INSERT, ROOT_ID, TAB_BAR_ID } from '../common/ops.js';
import { keepStatic, setDynamicCache, staticCache } from './rendering-cache.js';
import { PageTree } from './tree.js';
import { stack } from './stack.js';

/** @type {Map<number, any>} */
export const instances = new Map();
export { stack };

const CUSTOM_TAB_BAR = 'custom-tab-bar/index';
/** @type {Set<string>} the tab pages, when the app draws its own tab bar */
const customTabBar = new Set();

/** @param {Record<string, any>} config the app config */
export function configureTabBar(config) {
  const tabBar = config.tabBar;
  if (!tabBar || !tabBar.custom || !Array.isArray(tabBar.list)) return;
  for (const item of tabBar.list) customTabBar.add(String(item.pagePath).replace(/^\//, ''));
}

/** Page events the frame reports only when the page has a handler: each is a message per scroll. */
const FRAME_EVENTS = ['onPageScroll', 'onReachBottom', 'onPullDownRefresh'];

/** A page built with Page(): its options' functions are its methods, other keys are copied in. */
export class PageInstance extends Instance {
  /**
   * @param {PageTree} tree @param {import('./registry.js').Definition} def
   * @param {string} route @param {Record<string, string>} query
   */
  constructor(tree, def, route, query) {
    super(tree, def);
    this.data = copyData(def.data) || {};
    for (const [name, method] of Object.entries(def.methods)) /** @type {any} */ (this)[name] = method;
    for (const [name, value] of Object.entries(def.extra)) /** @type {any} */ (this)[name] = copyData(value);
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
  // Own properties: a page built with Component() has these as getters on its prototype.
  Object.defineProperty(page, 'router', { value: router, configurable: true });
  Object.defineProperty(page, 'pageRouter', { value: router, configurable: true });
  Object.defineProperty(page, 'setInitialRenderingCache', {
    value: (/** @type {Record<string, any> | null} */ dynamicData) => setDynamicCache(page, dynamicData),
    configurable: true,
  });
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
 * @param {boolean} [recordCache] the host keeps no initial rendering cache of this page for this release
 */
export function createPage(id, route, query, def, beforeLoad, recordCache = false) {
  const createdAt = performance.now();
  const tree = new PageTree(id);
  /** @type {any} */
  let page;
  if (def.builtWith === 'Page') {
    page = new PageInstance(tree, def, route, query);
  } else {
    page = new ComponentInstance(def, null, null, tree);
    // Query parameters fill the properties of a page built with Component(); its `created` runs once
    // its template is built, with their observers after it (as for any component, component.js).
    page.__held = [];
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
  if (page instanceof ComponentInstance) page.__created();
  /** @type {any} */
  let tabBarRoot = null;
  if (customTabBar.has(route)) {
    // tabBar.custom: each tab page gets its own instance of custom-tab-bar/index, below the page.
    tabBarRoot = { n: TAB_BAR_ID, c: [], o: page, p: null };
    tree.nodes.set(TAB_BAR_ID, tabBarRoot);
    const vnode = { t: 'custom-tab-bar', a: {}, e: [], c: [], cp: CUSTOM_TAB_BAR };
    tabBarRoot.c = [tree.mount(vnode, tabBarRoot, page)];
  }
  page.getTabBar = () => (tabBarRoot ? tabBarRoot.c[0].comp.__exported(page) : null);
  if (page instanceof ComponentInstance) tree.attachQueue.unshift(page);
  flush(tree); // components attached (before onLoad, as in WeChat)
  const cached = staticCache(tree, route, recordCache); // the initial data's render, before onLoad
  callPage(page, 'onLoad', query);
  callPage(page, 'onShow');
  flush(tree); // what onLoad and onShow changed, still before anything is sent
  tree.ops = [];
  for (const child of tree.root.c) tree.ops.push(INSERT, ROOT_ID, 0, tree.serialize(child));
  if (tabBarRoot) tree.ops.push(INSERT, TAB_BAR_ID, 0, tree.serialize(tabBarRoot.c[0]));
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
  for (const font of globalFonts) toView(id, font); // wx.loadFontFace({global: true}) before this page
  toView(id, { t: 'render', seq: 0, ops, listens });
  page.__timing = { createdAt, sentAt: performance.now() };
  keepStatic(page, cached);
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
    if (page.__timing) pageShown(page.route, page.__pageId, page.__timing.createdAt, page.__timing.sentAt);
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
  tree.closed = true;
  for (const child of tree.root.c) tree.unmount(child);
  const tabBarRoot = tree.nodes.get(TAB_BAR_ID);
  if (tabBarRoot) for (const child of tabBarRoot.c) tree.unmount(child);
  if (page instanceof ComponentInstance) page.__detach();
  instances.delete(id);
  const index = stack.indexOf(page);
  if (index >= 0) stack.splice(index, 1);
  page.__alive = false;
}
