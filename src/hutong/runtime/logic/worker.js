// @ts-check
/**
 * The logic thread's entry point. The host starts it from a data: URL, so it runs in an opaque origin
 * with no DOM; the host sends the verified bundles as text. This thread runs the app's code and the
 * compiled templates, and sends each page frame the DOM operations that bring it up to date.
 */
// Every module of the logic thread is named here, even those only other modules import: the server bundles
// this graph into logic/sandbox.html (server/delivery/runtime_bundle.py), so nothing is fetched at all.
import '../common/data-path.js';
import '../common/font-fallback.js';
import '../common/ops.js';
import '../view/builtin-tags.js';
import '../view/wxs-runtime.js';
import './names.js';
import './selector.js';
import { setDeclaredTags } from './tree.js';
import './wxs-events.js';
import { callHost } from './call.js';
import './builtins.js';
import './share.js';
import { hutong } from './identity.js';
import './support.js';
import './api/media-context.js';
import './api/map.js';
import './api/editor.js';
import './api/canvas-node.js';
import './api/canvas.js';
import { COMPONENTS } from '../view/components/registry.js';
import { R } from '../view/render-helpers.js';
import { setComponentRegistry } from './api/can-i-use.js';
import { App, callApp, getApp, hasApp, hasAppListeners } from './app.js';
import { detachFramePort, on, send, setHostPort, toView } from './bridge.js';
import { setComponentLoader } from './component.js';
import { guard, reportError, setLineMaps } from './errors.js';
import { dispatchFromView } from './events.js';
import { setViewBundle } from './instance.js';
import * as modules from './modules.js';
import { setAppConfig } from './app-config.js';
import { callPage, configureTabBar, createPage, destroyPage, instances, pageLifetime, rendered, stack } from './page.js';
import { intersection, settleQuery } from './query.js';
import { animationDone } from './animate.js';
import { fontLoaded } from './fonts.js';
import { keyboardChanged, keyPressed } from './api/background.js';
import { Behavior, Component, definitionOf, normalise, Page, setRegistering, setRegisteringPage } from './registry.js';
import { takeChannel } from './router.js';
import { launchState, settle, wxGlobal } from './wx.js';
import { preloadApis } from './api/index.js';
import { forgetCanvases } from './api/canvas-node.js';
import { setWorkerSource } from './api/worker.js';
import { pageLoading, pageUnloading, routeSettled, routeStarted } from './api/route-events.js';

// canIUse answers component attributes from the same registry the compatibility doc is made from.
setComponentRegistry(COMPONENTS);

// What only the runtime may use, kept before any of the app's code runs: importScripts runs the
// verified bundles, createObjectURL names them. The app gets neither, so it has no way to turn a string
// into code (the policy this worker inherits from logic/sandbox.html already refuses eval and
// new Function, and scripts from anywhere but the runtime and its blobs).
const importScript = /** @type {(url: string) => void} */ (/** @type {any} */ (globalThis).importScripts.bind(globalThis));
const createObjectURL = URL.createObjectURL.bind(URL);
const revokeObjectURL = URL.revokeObjectURL.bind(URL);

// The logic thread has no network of its own: the host performs every request (logic/api/network.js)
// and checks it against the app's allowed domains. The policy blocks the network anyway; removing the
// names makes an attempt fail at once, the WeChat way, and takes away nested workers, whose fresh
// global scope would have all of these again.
const NETWORK = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'WebTransport', 'Request', 'Worker', 'SharedWorker'];
// Some live on the scope's prototypes (WorkerGlobalScope.prototype.fetch), not on the global itself.
for (let scope = globalThis; scope && scope !== Object.prototype; scope = Object.getPrototypeOf(scope)) {
  for (const name of NETWORK) {
    if (!Object.prototype.hasOwnProperty.call(scope, name)) continue;
    Reflect.deleteProperty(scope, name);
    if (Object.prototype.hasOwnProperty.call(scope, name)) Object.defineProperty(scope, name, { value: undefined, configurable: false, writable: false });
  }
}
for (const name of NETWORK) {
  if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, configurable: false, writable: false });
}
Reflect.deleteProperty(URL, 'createObjectURL');

// WeChat forbids dynamic code with one exception, written in its own page on JavaScript support:
// `Function('return this')` (with or without `new`, the body as its last argument) yields a function that
// returns the global object, which Babel's, core-js's and lodash's output use to find it. Its base
// library replaces `Function` by a function that answers exactly that body; so does this. Any other
// body goes to the real constructor, which the policy refuses (EvalError), and so do the constructors
// reached through a function's prototype, as in WeChat (its functions are not instances of its
// replacement either).
const NativeFunction = Function;
const returnGlobal = function () {
  return globalThis;
};
/** @param {any[]} args */
const asksForGlobal = (args) => args.length > 0 && args[args.length - 1] === 'return this';
Object.defineProperty(globalThis, 'Function', {
  value: new Proxy(NativeFunction, {
    apply: (target, self, args) => (asksForGlobal(args) ? returnGlobal : Reflect.apply(target, self, args)),
    construct: (target, args, newTarget) => (asksForGlobal(args) ? returnGlobal : Reflect.construct(target, args, newTarget === /** @type {any} */ (globalThis).Function ? target : newTarget)),
  }),
  configurable: true,
  writable: true,
  enumerable: false,
});

/** @type {Record<string, any>} */
let config = {};

/** Plugins already reported unsupported (once each). @type {Set<string>} */
const reportedPlugins = new Set();

/**
 * requirePlugin(alias, or the provider's AppID since 2.14.0): in WeChat, what the plugin exports through
 * its `main`. Hutong runs no third-party plugin code, so a plugin app.json declares gives a stand-in: any
 * member read is a function that reports the plugin unsupported (once) and returns undefined. A page whose
 * first line is `const p = requirePlugin('x')` then still registers and renders; only a call fails. A name
 * app.json does not declare throws, as in WeChat.
 * @param {string} name
 */
function requirePlugin(name) {
  const declared = config.app?.plugins && typeof config.app.plugins === 'object' ? config.app.plugins : {};
  const alias = Object.keys(declared).find((key) => key === name || declared[key]?.provider === name);
  if (alias === undefined) throw new Error(`requirePlugin: plugin "${name}" is not declared in app.json's plugins`);
  const report = () => {
    if (reportedPlugins.has(alias)) return;
    reportedPlugins.add(alias);
    console.warn(`[hutong] plugin ${alias} (${declared[alias]?.provider}) is not supported`);
    send({ t: 'unsupported', what: 'plugin', name: alias });
  };
  return new Proxy(Object.create(null), {
    // Not a thenable (`await requirePlugin(...)` gives the stand-in itself); every other member is a call that reports.
    get: (_target, key) => (key === 'then' || typeof key === 'symbol' ? undefined : () => report()),
  });
}

const globals = /** @type {any} */ (globalThis);
Object.assign(globals, {
  App,
  Page,
  Component,
  Behavior,
  getApp,
  requirePlugin,
  getCurrentPages: () => stack.slice(),
  wx: wxGlobal,
  // Hutong's own additions (hutong.getLaunchData): apart from wx, which stays WeChat's.
  hutong,
  __hutong_define: modules.define,
  // WeChat's logic layer has a `global` that npm code (mobx, lodash, the official demo's app.js) uses.
  global: globalThis,
});

/**
 * Run a page's or component's module with its registration slot open; the definition it registered
 * (or an empty one, if it registered none).
 * @param {string} path @param {boolean} isPage
 */
function definitionFor(path, isPage) {
  let def = definitionOf(path);
  if (def) return def;
  // WeChat runs the code of the components a page or component uses before its own (its app-service
  // requires every component, then every page; with lazyCodeLoading, a page's components are injected
  // before it): a page may rely at its module's top level on what a component's module set up.
  runUsedComponents(path, isPage);
  if (modules.has(`${path}.js`)) {
    setRegistering(path);
    setRegisteringPage(isPage);
    try {
      modules.load(`${path}.js`);
    } catch (error) {
      reportError(error);
    } finally {
      setRegistering(null);
      setRegisteringPage(false);
    }
  }
  def = definitionOf(path);
  return def || normalise(isPage ? 'page' : 'component', path, {}, isPage);
}

/**
 * The subpackage a page, component or module path is in (compiler/bundle.py's `packages`, roots without
 * slashes), or undefined for the main package. @param {string} path @returns {any}
 */
function packageOf(path) {
  return (config.packages || []).find((/** @type {any} */ p) => p.root && path.startsWith(`${p.root}/`));
}

/** Whether `path` is in a subpackage whose bundles have not been loaded yet. @param {string} path */
function notLoadedYet(path) {
  const info = packageOf(path);
  return Boolean(info && !loadedPackages.has(info.root));
}

/** @type {Set<string>} pages and components whose used components' modules have run (or are running) */
const componentsRun = new Set();

/**
 * Run, depth first, the modules of the components `path` declares in usingComponents (its own and
 * app.json's), each before its user, skipping those of a subpackage not loaded yet.
 * @param {string} path @param {boolean} isPage
 */
function runUsedComponents(path, isPage) {
  if (componentsRun.has(path)) return;
  componentsRun.add(path);
  const owner = (isPage ? config.pageConfigs?.[path] : config.components?.[path]) || {};
  for (const target of Object.values(owner.usingComponents || {})) {
    if (typeof target !== 'string' || !config.components?.[target] || definitionOf(target) || notLoadedYet(target)) continue;
    definitionFor(target, false);
  }
}

/** Main-package pages: WeChat runs their code at launch (unless lazyCodeLoading), so do we, after the first render. */
function loadMainPackagePages() {
  // app.json's fields other than the shaped ones (pages, window, subpackages...) reach the runtime under
  // `config.app` (compiler/appconfig.py runtime_config); the packages, as `config.packages`.
  if (config.app?.lazyCodeLoading === 'requiredComponents') return;
  for (const route of config.pages || []) {
    if (!packageOf(route)) definitionFor(route, true);
  }
}

/**
 * Run a logic bundle as a classic script, so that app code is sloppy unless it says 'use strict', as
 * in WeChat (a module would force strict mode on code written for sloppy mode). The bundle is named so
 * that stack traces map back to source lines (errors.js): `logic.js#logic-<package>`.
 * @param {string} code
 * @param {string} name 'bundle' for the main package, else the subpackage root
 */
function runAppScript(code, name) {
  const url = createObjectURL(new Blob([`${code}\n//# sourceURL=logic.js#logic-${name}`], { type: 'text/javascript' }));
  try {
    importScript(url);
  } finally {
    revokeObjectURL(url);
  }
}

on('init', async (message) => {
  config = message.config;
  // A provider's template committed with ext_json: the merchant's `ext` (wx.getExtConfig).
  launchState.ext = config.ext && typeof config.ext === 'object' ? config.ext : {};
  globals.__wxConfig = { pages: config.pages, entryPagePath: config.entryPagePath, global: { window: config.window }, tabBar: config.tabBar, envVersion: 'release', platform: 'hutong' };
  setLineMaps(config);
  preloadApis(message.apis);
  // wx.createWorker runs the workers folder's modules from the same verified bundle (api/worker.js).
  setWorkerSource(message.logicCode, config);
  configureTabBar(config);
  setAppConfig(config);
  setComponentLoader((path, user) => {
    // A component of a subpackage not loaded yet (used across packages without a placeholder, which
    // WeChat builds with a warning): WeChat's error, and nothing drawn in its place.
    if (notLoadedYet(path)) {
      // With a componentPlaceholder it is WeChat's asynchronous use: no error (the placeholder itself
      // is not drawn yet: the tag stays empty until the package has loaded and the page renders again).
      const owner = config.pageConfigs?.[user] || config.components?.[user] || {};
      const held = Object.entries(owner.usingComponents || {}).some(([tag, target]) => target === path && owner.componentPlaceholder?.[tag]);
      if (!held) reportError(new Error(`Component is not found in path "${path}" (using by "${user}")`));
      return normalise('component', path, {}, false);
    }
    return definitionFor(path, false);
  }, config.components || {});
  /** @type {Set<string>} */
  const declared = new Set();
  for (const owner of [...Object.values(config.components || {}), ...Object.values(config.pageConfigs || {})]) {
    for (const name of Object.keys(owner.usingComponents || {})) declared.add(name);
  }
  setDeclaredTags(declared);
  modules.setPackageLoader((path) => {
    const info = packageOf(path);
    if (!info) return Promise.reject(new Error(`module "${path}" is not defined`));
    return new Promise((resolve, reject) => {
      callHost('hutong:loadPackage', { root: info.root, success: () => resolve(undefined), fail: (/** @type {any} */ res) => reject(new Error(res.errMsg)) });
    });
  });
  globals.__hutong_view = (/** @type {any} */ bundle) => {
    viewBundle = bundle;
  };
  const viewUrl = createObjectURL(new Blob([message.viewCode], { type: 'text/javascript' }));
  await import(viewUrl);
  R.use(viewBundle);
  setViewBundle(viewBundle, R);
  try {
    runAppScript(message.logicCode, 'bundle');
  } catch (error) {
    reportError(error);
  }
  revokeObjectURL(viewUrl);
  if (modules.has('app.js')) {
    try {
      modules.load('app.js');
    } catch (error) {
      reportError(error);
    }
  }
  if (!hasApp()) App({});
  launchState.launch = { ...message.launch };
  launchState.enter = { ...message.launch };
  callApp('onLaunch', { ...message.launch });
  callApp('onShow', { ...message.launch });
  send({ t: 'ready' });
});

/** @type {any} the templates, wxs and styles of every package loaded so far */
let viewBundle = { wxml: {}, wxss: {}, wxs: {} };

// A subpackage's bundles, verified by the host before a page in it opens (host/packages.js): its
// templates join the main package's (this thread renders them), then its logic runs.
/** @type {Set<string>} the subpackages whose code has run (their roots) */
const loadedPackages = new Set();

on('package:logic', async (message) => {
  try {
    if (message.view) {
      globals.__hutong_view = (/** @type {any} */ bundle) => {
        for (const key of Object.keys(bundle)) viewBundle[key] = { ...(viewBundle[key] || {}), ...bundle[key] };
        R.use(bundle);
        setViewBundle(viewBundle, R);
      };
      const viewUrl = createObjectURL(new Blob([message.view], { type: 'text/javascript' }));
      await import(viewUrl);
      revokeObjectURL(viewUrl);
    }
    runAppScript(message.code, message.root);
    loadedPackages.add(message.root);
    if (message.entry) modules.load(message.entry);
    send({ t: 'package:loaded', root: message.root });
  } catch (error) {
    reportError(error);
    send({ t: 'package:loaded', root: message.root, error: String(error) });
  }
});

let firstPage = true;

on('page:load', (message) => {
  const def = definitionFor(message.route, true);
  const opened = takeChannel(message.channel);
  pageLoading(message, () =>
    createPage(message.id, message.route, message.query || {}, def, (page) => {
      page.getOpenerEventChannel = () => opened;
    }, Boolean(message.recordCache)),
  );
  if (firstPage) {
    firstPage = false;
    setTimeout(() => guard(loadMainPackagePages), 0);
  }
});

on('page:notfound', (message) => {
  const app = getApp();
  const handled = Boolean(app && typeof app.onPageNotFound === 'function') || hasAppListeners('onPageNotFound');
  callApp('onPageNotFound', { path: message.path, query: message.query || {}, isEntryPage: Boolean(message.isEntryPage) });
  send({ t: 'notfound:done', handled });
});

on('page:rendered', (message) => {
  const page = instances.get(message.id);
  if (page) rendered(page, message.seq);
});

on('page:show', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  callPage(page, 'onShow');
  pageLifetime(page, 'show');
});

on('page:hide', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  callPage(page, 'onHide');
  pageLifetime(page, 'hide');
});

on('page:unload', (message) => {
  const page = instances.get(message.id);
  if (page) pageUnloading({ route: page.route, id: message.id }, () => destroyPage(message.id));
  detachFramePort(message.id);
  forgetCanvases(message.id);
});

/** The host's page stack changed: getCurrentPages() follows it. */
on('stack', (message) => {
  const pages = (message.ids || []).map((/** @type {number} */ id) => instances.get(id)).filter(Boolean);
  stack.splice(0, stack.length, ...pages);
  routeSettled(message);
});

on('route:start', (message) => routeStarted(message));

/** Page events the frame or the host reports: scroll, reach bottom, pull-down, tab taps, resize. */
on('page:event', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  if (message.name === 'onResize') pageLifetime(page, 'resize', message.arg);
  callPage(page, message.name, message.arg);
});

on('event', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  const returned = dispatchFromView(page.__tree, message);
  // As in WeChat, a bindinput handler that returns a string (or number) replaces what the input shows.
  if (message.type === 'input' && (typeof returned === 'string' || typeof returned === 'number')) {
    toView(message.id, { t: 'component:call', target: message.target, method: 'setValue', args: [String(returned), message.detail?.value] });
  }
});

on('app:hide', () => {
  const top = stack[stack.length - 1];
  if (top) {
    callPage(top, 'onHide');
    pageLifetime(top, 'hide');
  }
  callApp('onHide');
});

on('app:show', (message) => {
  launchState.enter = { ...(message.options || {}) };
  callApp('onShow', { ...(message.options || {}) });
  const top = stack[stack.length - 1];
  if (top) {
    callPage(top, 'onShow');
    pageLifetime(top, 'show');
  }
});

on('theme', (message) => callApp('onThemeChange', { theme: message.theme }));
on('query:result', (message) => settleQuery(message.qid, message.results));
on('animate:done', (message) => animationDone(message.aid));
on('font:done', (message) => fontLoaded(message.fid, message));
on('keyboard', (message) => keyboardChanged({ height: message.height }));
on('key', (message) => keyPressed(message));
on('intersection', (message) => intersection(message.oid, message.entry));
on('api:result', (message) => settle(message.cb, message));

globals.addEventListener('error', (/** @type {ErrorEvent} */ event) => {
  reportError(event.error || event.message);
  event.preventDefault();
});
globals.addEventListener('unhandledrejection', (/** @type {PromiseRejectionEvent} */ event) => {
  // Only the engine's own event: a library's promise (bluebird) may dispatch a CustomEvent of this name
  // (its `detail` holding the reason) and, when nobody cancels it, log the rejection itself, as it does
  // in WeChat's logic layer, which has no dispatchEvent.
  if (!event.isTrusted) return;
  const app = getApp();
  if ((app && typeof app.onUnhandledRejection === 'function') || hasAppListeners('onUnhandledRejection')) {
    callApp('onUnhandledRejection', { reason: event.reason, promise: event.promise });
  } else {
    reportError(event.reason);
  }
  event.preventDefault();
});
send({ t: 'booted' });
// The host's port, which logic/sandbox.js's boot script caught in the worker's first message.
// (No top-level await: the runtime runs as one classic script, server/delivery/runtime_bundle.py.)
globals.__hutongHost.then((/** @type {MessagePort} */ hostPort) => {
  delete globals.__hutongHost;
  setHostPort(hostPort);
});
