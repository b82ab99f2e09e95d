// @ts-check
/** The `wx` object: each API calls the host and answers in WeChat's success/fail/complete shape. */
import { addAppListener, removeAppListener } from './app.js';
import { canIUse } from './api/can-i-use.js';
import { CATALOG } from './api/catalog.js';
import { apis } from './api/index.js';
import { callHost, reportUnsupported } from './call.js';
import { loadFontFace } from './fonts.js';
import { createMediaQueryObserver } from './media-query.js';
import { getPerformance } from './performance.js';
import { stack } from './page.js';
import { answer } from './api/shape.js';
import { toView } from './bridge.js';
import { createIntersectionObserver, createSelectorQuery } from './query.js';
import { channelPair, parkChannel, resolveUrl } from './router.js';

export { callHost, reportUnsupported, settle } from './call.js';

function currentRoute() {
  return stack.length ? stack[stack.length - 1].route : undefined;
}

/** Launch options, kept by worker.js. */
export const launchState = {
  launch: /** @type {Record<string, any>} */ ({}),
  enter: /** @type {Record<string, any>} */ ({}),
  /** The `ext` of the ext_json a provider committed this release with ({} for any other app). */
  ext: /** @type {Record<string, any>} */ ({}),
};

/** @param {string} name */
const forward = (name) => (/** @type {any} */ options) => callHost(name, options);

/** @param {string} name */
const route = (name) => (/** @type {any} */ options = {}) =>
  callHost(name, { ...options, url: resolveUrl(options?.url, currentRoute()) });

export const wx = {
  showToast: forward('showToast'),
  hideToast: forward('hideToast'),
  /** @param {any} options */
  navigateTo(options = {}) {
    const [openerEnd, openedEnd] = channelPair();
    for (const [name, fn] of Object.entries(options?.events || {})) {
      if (typeof fn === 'function') openerEnd.on(name, fn);
    }
    const channel = parkChannel(openedEnd);
    const { events, ...rest } = options || {};
    return callHost('navigateTo', { ...rest, url: resolveUrl(rest.url, currentRoute()), channel }, (res) => ({
      ...res,
      eventChannel: openerEnd,
    }));
  },
  redirectTo: route('redirectTo'),
  switchTab: route('switchTab'),
  reLaunch: route('reLaunch'),
  navigateBack: forward('navigateBack'),
  setNavigationBarTitle: forward('setNavigationBarTitle'),
  setNavigationBarColor: forward('setNavigationBarColor'),
  showNavigationBarLoading: forward('showNavigationBarLoading'),
  hideNavigationBarLoading: forward('hideNavigationBarLoading'),
  hideHomeButton: forward('hideHomeButton'),
  setBackgroundColor: forward('setBackgroundColor'),
  setBackgroundTextStyle: forward('setBackgroundTextStyle'),
  startPullDownRefresh: forward('startPullDownRefresh'),
  stopPullDownRefresh: forward('stopPullDownRefresh'),
  pageScrollTo: forward('pageScrollTo'),
  showTabBar: forward('showTabBar'),
  hideTabBar: forward('hideTabBar'),
  setTabBarBadge: forward('setTabBarBadge'),
  removeTabBarBadge: forward('removeTabBarBadge'),
  showTabBarRedDot: forward('showTabBarRedDot'),
  hideTabBarRedDot: forward('hideTabBarRedDot'),
  setTabBarItem: forward('setTabBarItem'),
  setTabBarStyle: forward('setTabBarStyle'),
  getLaunchOptionsSync: () => ({ ...launchState.launch }),
  // A provider's ext for this merchant (app-config.json `ext`, set at /wxa/commit), a copy each
  // time so the app cannot change what the next call returns; {} for an app no provider committed.
  getExtConfigSync: () => structuredClone(launchState.ext),
  /** @param {any} options */
  getExtConfig(options = {}) {
    const res = { errMsg: 'getExtConfig:ok', extConfig: structuredClone(launchState.ext) };
    if (options?.success) options.success(res);
    if (options?.complete) options.complete(res);
    return options?.success || options?.complete ? undefined : Promise.resolve(res);
  },
  getEnterOptionsSync: () => ({ ...launchState.enter }),
  loadFontFace,
  createMediaQueryObserver,
  /** The focused field of the top page lets go, and the keyboard closes. @param {any} options */
  hideKeyboard(options) {
    const page = stack[stack.length - 1];
    if (page) toView(page.__pageId, { t: 'blur' });
    return answer('hideKeyboard', options, () => {});
  },
  getPerformance,
  createSelectorQuery() {
    const page = stack[stack.length - 1];
    if (!page) throw new Error('createSelectorQuery: there is no page yet');
    return createSelectorQuery(page.__tree);
  },
  /** @param {any} component @param {Record<string, any>} [options] */
  createIntersectionObserver(component, options) {
    const page = stack[stack.length - 1];
    const scope = component && component.__root ? component : page;
    return createIntersectionObserver(scope.__tree, scope, options || {});
  },
  /** @param {Function} fn */
  onAppShow: (fn) => addAppListener('onShow', fn),
  /** @param {Function} [fn] */
  offAppShow: (fn) => removeAppListener('onShow', fn),
  /** @param {Function} fn */
  onAppHide: (fn) => addAppListener('onHide', fn),
  /** @param {Function} [fn] */
  offAppHide: (fn) => removeAppListener('onHide', fn),
  /** @param {Function} fn */
  onError: (fn) => addAppListener('onError', fn),
  /** @param {Function} [fn] */
  offError: (fn) => removeAppListener('onError', fn),
  /** @param {Function} fn */
  onPageNotFound: (fn) => addAppListener('onPageNotFound', fn),
  /** @param {Function} [fn] */
  offPageNotFound: (fn) => removeAppListener('onPageNotFound', fn),
  /** @param {Function} fn */
  onUnhandledRejection: (fn) => addAppListener('onUnhandledRejection', fn),
  /** @param {Function} [fn] */
  offUnhandledRejection: (fn) => removeAppListener('onUnhandledRejection', fn),
  /** @param {Function} fn */
  onThemeChange: (fn) => addAppListener('onThemeChange', fn),
  /** @param {Function} [fn] */
  offThemeChange: (fn) => removeAppListener('onThemeChange', fn),
  /** @param {Function} fn */
  nextTick(fn) {
    setTimeout(fn, 0);
  },
};
// The API families (logic/api/): base, interaction, network, storage, media, file, location, device…
Object.assign(wx, apis, { canIUse: (/** @type {string} */ what) => canIUse(wx, what) });

/**
 * Stand-in for an API the runtime does not have: reported once to the host (`hutong check` lists it),
 * then failing the WeChat way instead of throwing "is not a function" into the app.
 * @param {string} name
 */
function unsupported(name) {
  return (/** @type {any} */ options) => {
    reportUnsupported(name);
    if (name.endsWith('Sync') || /^(on|off)[A-Z]/.test(name)) return undefined;
    const res = { errMsg: `${name}:fail not supported` };
    if (options && typeof options === 'object') {
      if (typeof options.fail === 'function') options.fail(res);
      if (typeof options.complete === 'function') options.complete(res);
      if (options.fail || options.complete || options.success) return undefined;
    }
    const promise = Promise.reject(res);
    promise.catch(() => {});
    return promise;
  };
}

/** WeChat's documented wx.* function names: the only names a stand-in is given for. */
const WECHAT_API_NAMES = new Set(Object.values(CATALOG).flat());
// Namespaces (not functions) the runtime lacks: absent, so that `if (wx.worklet)` feature checks
// take the path written for clients without them, instead of destructuring a stand-in function.
const ABSENT_NAMESPACES = new Set(['worklet']);

/**
 * `wx` as apps see it: the APIs above, `canIUse`, a stand-in for any other WeChat API the runtime
 * lacks, and undefined for every other name, as in WeChat: SDKs keep their own state on `wx`
 * (`void 0 === wx.Queue && (wx.Queue = new Queue())`) and feature checks (`if (wx.worklet)`) must
 * see such names absent until something assigns them.
 */
export const wxGlobal = new Proxy(wx, {
  get(target, name) {
    if (typeof name !== 'string' || name in target) return /** @type {any} */ (target)[name];
    if (!WECHAT_API_NAMES.has(name) || ABSENT_NAMESPACES.has(name)) return undefined;
    return unsupported(name);
  },
});
