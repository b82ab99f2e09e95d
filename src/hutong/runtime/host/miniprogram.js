// @ts-check
/**
 * A running mini program, as the host's native layer sees it: one logic Worker, a stack of page
 * frames, and the relay between them. Every message passes through here, stamped with the page it
 * came from, so a frame can only ever speak for itself. The host owns the page stack (routing),
 * draws the navigation and tab bars, and runs the app's foreground/background cycle.
 */
import { mapTiles } from './api/map-sheet.js';
import { userActed } from './activation.js';
import { Chrome } from './chrome.js';
import { VisitTracker } from './analytics.js';
import { networkType } from './api/device.js';
import { hostApis, launchData, screenChanged, viewMessages } from './api/index.js';
import { shareMenuOf } from './api/share.js';
import { fetchSignedManifest, fetchVerified } from './integrity.js';
import { Packages } from './packages.js';
import { preboot } from './preboot.js';
import { RenderingCache } from './rendering-cache.js';
import { renderingCacheMode } from '../common/page-config.js';

const MAX_PAGES = 10;
/** How long after the user chose Share in the capsule menu the page's answer may come (its promise: 3 s). */
const SHARE_ANSWER_MS = 4000;
/** A page's picture for a share card: how long the sheet waits for it, and how big it may be. */
const SNAPSHOT_MS = 3000;
const MAX_SNAPSHOT_BYTES = 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Calls the host is still answering for one app (dialogs waiting for a tap, queued requests): a flood beyond this fails at once, so the host's memory stays bounded. */
const MAX_CALLS_IN_FLIGHT = 1000;

/**
 * @typedef {{id: number, route: string, query: Record<string, string>, frame: HTMLIFrameElement,
 *   port: MessagePort | null, ready: boolean, queue: any[], title?: string,
 *   colors?: {frontColor?: string, backgroundColor?: string}, loading?: boolean, homeHidden?: boolean,
 *   primed?: string}} PageFrame
 * @typedef {{frame: HTMLIFrameElement, booted: boolean, port?: MessagePort, primed?: string}} SpareFrame
 *   a frame booted for the next page; once booted it holds the app's view code already (`primed`)
 */

/** @param {string} url */
export function parseUrl(url) {
  const [path, search = ''] = String(url).split(/\?(.*)/s);
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { route: path.replace(/^\//, '').replace(/\.(js|wxml)$/, ''), query };
}

/**
 * What the shell offers for one mini program opening another (shell/alive.js): `open` starts or resumes
 * the target (scene 1037), `back` returns to the app that opened this one (scene 1038; false when
 * none did), `exit` closes this one as the capsule does, `restart` starts it again at `path`.
 * @typedef {{open: (source: MiniProgram, target: {appId: string, path: string, channel: string, extraData: Record<string, any>}) => Promise<void>,
 *   back: (from: MiniProgram, extraData: Record<string, any>) => boolean, exit: (from: MiniProgram) => void,
 *   restart: (from: MiniProgram, path: string) => Promise<void>}} MiniProgramNavigator
 */

/** A failure whose message goes to the app as `<api>:fail <message>`. */
class ApiError extends Error {}

export class MiniProgram {
  /**
   * @param {{appid: string, surface: HTMLElement, runtimeBase: string, launchUrl: string,
   *   onError?: (message: string) => void, user?: string, requestSignIn?: (reason: string) => Promise<boolean>,
   *   navigator?: MiniProgramNavigator}} options
   */
  constructor(options) {
    this.appid = options.appid;
    this.surface = options.surface;
    this.runtimeBase = new URL(options.runtimeBase, location.href).href;
    this.launchUrl = options.launchUrl;
    this.onError = options.onError || ((message) => console.error(message));
    /** Whose storage and files the app sees (host/api/idb.js keys them by appid and user). */
    this.user = options.user || 'guest';
    this.userGiven = Boolean(options.user);
    /** The shell's sign-in sheet, for APIs that need a signed-in user (host/api/login.js). */
    this.requestSignIn = options.requestSignIn || null;
    /** The shell's way to other mini programs (wx.navigateToMiniProgram, host/api/open.js); none: this host runs one app. */
    this.navigator = options.navigator || null;
    /** @type {PageFrame[]} the page stack, bottom first */
    this.pages = [];
    /** @type {Map<string, PageFrame>} tab pages stay alive once opened */
    this.tabPages = new Map();
    this.nextPageId = 1;
    /** The route under way (wx.onAppRoute's openType), until its page stack settles. */
    this.routing = '';
    /** @type {Record<string, any>} */
    this.config = {};
    this.viewCode = '';
    /** @type {RenderingCache | null} the app's initial rendering caches for this release (rendering-cache.js) */
    this.renderingCache = null;
    /** @type {MessagePort | null} the host's end of the channel to the logic thread (see bootWorker) */
    this.worker = null;
    /** @type {HTMLIFrameElement | null} the sandboxed frame that started the logic thread */
    this.logicFrame = null;
    /** @type {MessagePort | null} the logic thread's end, until its frame asks for it */
    this.logicEnd = null;
    /** @type {any[] | null} messages for the logic thread held until it has run the app's code */
    this.logicQueue = [];
    this.foreground = true;
    this.callsInFlight = 0;
    /** @type {Packages | null} subpackages, loaded on first use (packages.js) */
    this.packages = null;
    /** @type {Chrome | null} */
    this.chrome = null;
    /** @type {Map<number, (handlers: Record<string, boolean>) => void>} */
    this.shareAnswers = new Map();
    this.nextShareRequest = 1;
    /** @type {Map<number, (png: ArrayBuffer | null) => void>} pictures of pages asked for (snapshot) */
    this.snapshots = new Map();
    /** @type {{id: number, kind: string, until: number} | null} the capsule menu's share entry the user just chose */
    this.shareAsked = null;
    this.onFrameMessage = this.onFrameMessage.bind(this);
    this.onVisibility = this.onVisibility.bind(this);
    this.closed = false;
    /** @type {Set<(mp: MiniProgram) => void>} what the API families stop when the app closes (sensors, audio…) */
    this.closers = new Set();
    /** Page views, stays, timings and errors for the platform's analytics (analytics.js). */
    this.tracker = new VisitTracker(this);
  }

  /** @param {{path?: string, query?: Record<string, string>, scene?: number, referrerInfo?: any, shareTicket?: string, chatType?: number}} [launch] */
  async start(launch = {}) {
    // The logic thread and the first page frame boot while the bundles download; nothing runs the
    // app's code before every hash has been checked.
    this.chrome = new Chrome(this.surface, {
      onBack: () => this.safely(() => this.navigateBack(1)),
      onHome: () => this.safely(() => this.goHome()),
      onTab: (index) => this.safely(() => this.tapTab(index)),
    });
    window.addEventListener('message', this.onFrameMessage);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.darkScheme = window.matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => this.toLogic({ t: 'theme', theme: this.darkScheme?.matches ? 'dark' : 'light' });
    this.darkScheme.addEventListener('change', this.onScheme);
    this.bootWorker();
    this.prepareFrame(true);
    let logicCode;
    try {
      // The network type and the screen go with the launch: the analytics' user portrait counts them
      // (an iPhone's model is known by its screen alone; docs/analytics.md).
      const launchUrl = new URL(this.launchUrl, location.href);
      launchUrl.searchParams.set('network', networkType());
      launchUrl.searchParams.set('screen', `${window.screen.width}x${window.screen.height}@${Math.round((window.devicePixelRatio || 1) * 100) / 100}`);
      const manifest = await fetchSignedManifest(launchUrl.href, this.appid);
      /** Allowed origins per kind (request, upload, download, socket, webview), from the signed manifest. */
      this.domains = manifest.domains || {};
      this.appName = manifest.name;
      this.eventsToken = manifest.events_token;
      // Storage and files are kept per app and per person; the manifest names the person opaquely.
      if (!this.userGiven && manifest.audience) this.user = String(manifest.audience);
      // The initial rendering caches recorded under exactly this release and runtime.
      const release = [this.runtimeBase, ...['logic.js', 'view.js', 'app-config.json'].map((name) => manifest.bundles[name]?.sha256)].join(' ');
      const [logic, viewCode, configText, apiData, renderingCache] = await Promise.all([
        fetchVerified(manifest.bundles['logic.js'], 'logic.js'),
        fetchVerified(manifest.bundles['view.js'], 'view.js'),
        fetchVerified(manifest.bundles['app-config.json'], 'app-config.json'),
        launchData(this),
        RenderingCache.load(this.appid, this.user, release),
      ]);
      this.renderingCache = renderingCache;
      this.apiData = apiData;
      logicCode = logic;
      this.config = JSON.parse(configText);
      this.viewCode = viewCode;
      this.packages = new Packages(this, manifest.bundles);
      /** The app's images and media by source path: their blob URLs, for the page frames. @type {Record<string, string>} */
      this.assetUrls = Object.fromEntries(
        Object.keys(this.config.assets || {})
          .filter((path) => manifest.bundles[path])
          .map((path) => [path, new URL(manifest.bundles[path].url, location.href).href]),
      );
      if (this.chrome) this.chrome.assetUrls = this.assetUrls;
    } catch (error) {
      if (this.eventsToken) this.tracker.launchFailed(error);
      this.close();
      throw error;
    }
    const { route, query } = parseUrl(launch.path || this.config.entryPagePath);
    const launchQuery = { ...query, ...(launch.query || {}) };
    const launchOptions = {
      path: route,
      query: launchQuery,
      scene: launch.scene ?? 1001,
      referrerInfo: launch.referrerInfo || {},
      ...(launch.shareTicket ? { shareTicket: launch.shareTicket } : {}),
      ...(launch.chatType ? { chatType: launch.chatType } : {}),
    };
    this.launchOptions = launchOptions;
    this.initWorker(logicCode, launchOptions);
    if (this.config.pages.includes(route)) {
      await this.packages.ensure(route);
      this.beginRoute('appLaunch', route, launchQuery);
      this.openPage(route, launchQuery);
    } else {
      this.toLogic({ t: 'page:notfound', path: route, query: launchQuery, isEntryPage: true });
    }
  }

  /**
   * Start the logic thread inside a hidden sandboxed frame (logic/sandbox.html), whose own strict
   * policy the worker inherits: no network, no eval, scripts only from the runtime (the host page's
   * policy would not bind it). The worker's data: URL gives it an opaque origin of its own: no cookies,
   * storage or IndexedDB of the host's. Host and worker talk on a MessageChannel made here; the frame
   * only passes the worker its end.
   */
  bootWorker() {
    // The shell's idle logic frame, booted before the tap (preboot.js): only the app's code is left.
    const ready = preboot.takeLogic();
    if (ready) {
      this.worker = ready.port;
      this.worker.onmessage = (event) => this.onLogicMessage(event.data);
      this.logicEnd = ready.end;
      this.logicFrame = ready.frame;
      this.workerBooted = ready.booted;
      return;
    }
    const frame = document.createElement('iframe');
    frame.className = 'hutong-logic';
    frame.hidden = true;
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('aria-hidden', 'true');
    frame.src = `${this.runtimeBase}logic/sandbox.html`;
    const channel = new MessageChannel();
    this.worker = channel.port1;
    this.worker.onmessage = (event) => this.onLogicMessage(event.data);
    this.logicEnd = channel.port2;
    this.logicFrame = frame;
    this.workerBooted = false;
    this.surface.appendChild(frame);
  }

  /** The verified bundles are here: the logic thread may run them. @param {string} logicCode @param {Record<string, any>} launch */
  initWorker(logicCode, launch) {
    this.pendingInit = { t: 'init', config: this.config, logicCode, viewCode: this.viewCode, launch, apis: this.apiData };
    if (this.workerBooted) this.sendInit();
  }

  sendInit() {
    this.worker?.postMessage(this.pendingInit);
    this.pendingInit = null;
  }

  /**
   * A page frame booting in advance, as WeChat keeps a webview ready: the next page opened takes it.
   * It is no page until then and has no port: it cannot hear or say anything.
   * @param {boolean} [first] the launch's first page: take the shell's idle blank frame if it has one
   */
  prepareFrame(first = false) {
    if (this.spare || !this.chrome) return;
    const ready = first ? preboot.takePage(this.chrome.frames) : null;
    if (ready) {
      this.spare = ready;
      return;
    }
    const frame = document.createElement('iframe');
    frame.className = 'hutong-spare';
    frame.hidden = true;
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.src = `${this.runtimeBase}view/view.html`;
    this.spare = { frame, booted: false };
    this.chrome.frames.appendChild(frame);
  }

  /** @param {() => void} action */
  safely(action) {
    try {
      action();
    } catch (error) {
      this.onError(error instanceof Error ? error.message : String(error));
    }
  }

  // -- the page stack ---------------------------------------------------------------------------------
  get top() {
    return this.pages[this.pages.length - 1];
  }

  /** @param {string} route */
  tabIndex(route) {
    const list = this.config.tabBar?.list || [];
    return list.findIndex((/** @type {any} */ item) => String(item.pagePath).replace(/^\//, '') === route);
  }

  /** @param {string} route */
  isTab(route) {
    return this.tabIndex(route) >= 0;
  }

  /**
   * Make a frame for a new page and have the logic thread create the page; both start at once.
   * @param {string} route @param {Record<string, string>} query @param {number} [channel]
   */
  openPage(route, query, channel) {
    if (!this.spare) this.prepareFrame();
    const { frame, booted, port, primed } = /** @type {SpareFrame} */ (this.spare);
    this.spare = null;
    frame.className = 'hutong-page';
    /** @type {PageFrame} */
    const page = { id: this.nextPageId++, route, query, frame, port: port || null, ready: false, queue: [], primed };
    this.tracker.pageOpened(page.id);
    const previous = this.top;
    this.pages.push(page);
    if (this.isTab(route)) this.tabPages.set(route, page);
    // Already in the document (moving an iframe would reload it); spares are made after every page,
    // so the top page's frame is the last one.
    frame.hidden = false;
    if (booted) this.connectFrame(page);
    if (previous) this.hideFrame(previous);
    const recordCache = this.cacheMode(route) === 'static' && !this.renderingCache?.get(route);
    this.toLogic({ t: 'page:load', id: page.id, route, query, channel, recordCache });
    this.afterNavigation();
    return page;
  }

  /** @param {PageFrame} page */
  hideFrame(page) {
    page.frame.hidden = true;
    this.toLogic({ t: 'page:hide', id: page.id });
  }

  /** @param {PageFrame} page */
  showFrame(page) {
    page.frame.hidden = false;
    this.toLogic({ t: 'page:show', id: page.id });
  }

  /** @param {PageFrame} page */
  closeFrame(page) {
    this.toLogic({ t: 'page:unload', id: page.id });
    page.port?.close();
    // Out of sight at once, out of the document a moment later (the page's exit): input that is still
    // being delivered to the frame (the tap that closed it) must not land in a destroyed document.
    page.frame.hidden = true;
    page.frame.className = 'hutong-page-closing';
    setTimeout(() => page.frame.remove(), 300);
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route);
  }

  /**
   * A route begins (wx.onBeforeAppRoute); the `stack` message that ends it names the same openType.
   * @param {string} openType @param {string} path @param {Record<string, string>} [query]
   */
  beginRoute(openType, path, query = {}) {
    this.routing = openType;
    this.toLogic({ t: 'route:start', openType, path, query });
  }

  afterNavigation() {
    const top = this.top;
    this.toLogic({ t: 'stack', ids: this.pages.map((p) => p.id), openType: this.routing || 'reLaunch', path: top?.route, query: top?.query || {}, webviewId: top?.id });
    this.routing = '';
    this.updateChrome();
    this.tracker.update();
    screenChanged(this);
  }

  /** @param {string} route */
  checkRoute(route) {
    if (!this.config.pages.includes(route)) throw new ApiError(`page "${route}" is not found`);
  }

  /** @param {string} url @param {number} [channel] */
  navigateTo(url, channel) {
    const { route, query } = parseUrl(url);
    this.checkRoute(route);
    if (this.isTab(route)) throw new ApiError('can not navigateTo a tabbar page');
    if (this.pages.length >= MAX_PAGES) throw new ApiError('webview count limit exceed');
    this.beginRoute('navigateTo', route, query);
    this.openPage(route, query, channel);
  }

  /** @param {string} url */
  redirectTo(url) {
    const { route, query } = parseUrl(url);
    this.checkRoute(route);
    if (this.isTab(route)) throw new ApiError('can not redirectTo a tabbar page');
    this.beginRoute('redirectTo', route, query);
    const old = this.pages.pop();
    if (old) this.closeFrame(old);
    this.openPage(route, query);
  }

  /** @param {number} delta */
  navigateBack(delta) {
    if (this.pages.length < 2) throw new ApiError('cannot navigate back at first page.');
    const count = Math.min(Math.max(1, Math.floor(delta) || 1), this.pages.length - 1);
    const back = this.pages[this.pages.length - 1 - count];
    this.beginRoute('navigateBack', back.route, back.query);
    for (let i = 0; i < count; i += 1) {
      const page = /** @type {PageFrame} */ (this.pages.pop());
      if (this.isTab(page.route) && this.tabPages.get(page.route) === page) {
        this.tabPages.delete(page.route);
      }
      this.closeFrame(page);
    }
    this.showFrame(this.top);
    this.afterNavigation();
  }

  /** @param {string} url */
  switchTab(url) {
    const { route } = parseUrl(url);
    this.checkRoute(route);
    if (!this.isTab(route)) throw new ApiError('can not switch to no-tabBar page');
    this.beginRoute('switchTab', route);
    const current = this.top;
    // Pages above the tab pages close; tab pages stay alive, hidden.
    while (this.pages.length) {
      const page = /** @type {PageFrame} */ (this.pages.pop());
      if (this.tabPages.get(page.route) === page) {
        if (page.route !== route && page === current) this.hideFrame(page);
      } else {
        this.closeFrame(page);
      }
    }
    const existing = this.tabPages.get(route);
    if (existing) {
      this.pages.push(existing);
      if (existing !== current) this.showFrame(existing);
      this.afterNavigation();
    } else {
      this.openPage(route, {});
    }
  }

  /** @param {string} url */
  reLaunch(url) {
    const { route, query } = parseUrl(url);
    this.checkRoute(route);
    this.beginRoute('reLaunch', route, query);
    const open = new Set([...this.pages, ...this.tabPages.values()]);
    this.pages = [];
    this.tabPages.clear();
    for (const page of Array.from(open).reverse()) this.closeFrame(page);
    this.openPage(route, query);
  }

  goHome() {
    const entry = this.config.entryPagePath;
    if (this.isTab(entry)) this.switchTab(entry);
    else this.reLaunch(entry);
  }

  /** The user tapped a native tab: switch to it; its page hears onTabItemTap. @param {number} index */
  tapTab(index) {
    const item = this.config.tabBar?.list?.[index];
    if (!item) return;
    const route = String(item.pagePath).replace(/^\//, '');
    if (this.top?.route !== route) this.switchTab(route);
    this.toLogic({ t: 'page:event', id: this.top.id, name: 'onTabItemTap', arg: { index, pagePath: route, text: item.text } });
  }

  updateChrome() {
    const top = this.top;
    if (!top || !this.chrome) return;
    const isHome = top.route === this.config.entryPagePath || this.isTab(top.route);
    this.chrome.update(this.config, top, { depth: this.pages.length, isHome });
  }

  // -- foreground and background ----------------------------------------------------------------------
  /** The app leaves the screen (the user closed it or switched away): App.onHide after the page's onHide. */
  hide() {
    if (!this.foreground) return;
    this.foreground = false;
    this.toLogic({ t: 'app:hide' });
    this.tracker.leave();
    screenChanged(this);
  }

  /**
   * The app comes back: App.onShow, then the page's onShow.
   * @param {{scene?: number, query?: Record<string, string>, path?: string, referrerInfo?: Record<string, any>}} [options]
   */
  show(options = {}) {
    if (this.foreground) return;
    this.foreground = true;
    this.tracker.update();
    const top = this.top;
    screenChanged(this);
    this.toLogic({
      t: 'app:show',
      options: { path: top?.route, query: options.query || top?.query || {}, scene: options.scene ?? 1001, referrerInfo: options.referrerInfo || {} },
    });
  }

  onVisibility() {
    if (document.visibilityState === 'hidden') this.hide();
    else if (this.surface.isConnected && !this.surface.closest('[hidden]')) this.show();
  }

  // -- relay ------------------------------------------------------------------------------------------
  /** @param {Record<string, any>} message @param {Transferable[]} [transfer] */
  toLogic(message, transfer = []) {
    if (!this.worker) return;
    if (this.logicQueue) this.logicQueue.push([message, transfer]);
    else this.worker.postMessage(message, transfer);
  }

  /** @param {number} id @param {Record<string, any>} message */
  toView(id, message) {
    const page = this.pages.find((p) => p.id === id) || Array.from(this.tabPages.values()).find((p) => p.id === id);
    if (!page) return;
    // Until the frame has installed the view bundle, hold its messages here, in order.
    if (page.ready) page.port?.postMessage(message);
    else page.queue.push(message);
  }

  /** @param {number} id */
  pageById(id) {
    return this.pages.find((p) => p.id === id) || Array.from(this.tabPages.values()).find((p) => p.id === id);
  }

  /** @param {Record<string, any>} message */
  onLogicMessage(message) {
    switch (message.t) {
      case 'booted':
        this.workerBooted = true;
        if (this.pendingInit) this.sendInit();
        break;
      case 'renderingcache': {
        // The route is the host's own record of the page, and only a page that asked for a cache keeps one.
        const page = this.pageById(message.id);
        if (page && this.cacheMode(page.route)) this.renderingCache?.put(page.route, message.ops);
        break;
      }
      case 'ready':
        for (const [queued, transfer] of this.logicQueue || []) this.worker?.postMessage(queued, transfer);
        this.logicQueue = null;
        break;
      case 'api': {
        if (this.callsInFlight >= MAX_CALLS_IN_FLIGHT) {
          const errMsg = `${message.name}:fail too many calls in flight`;
          this.worker?.postMessage({ t: 'api:result', cb: message.cb, ok: false, res: { errMsg } });
          break;
        }
        this.callsInFlight += 1;
        const done = () => {
          this.callsInFlight -= 1;
        };
        this.callApi(String(message.name), message.args || {}).finally(done).then(
          (res) => this.worker?.postMessage({ t: 'api:result', cb: message.cb, ok: true, res }),
          (error) =>
            this.worker?.postMessage({
              t: 'api:result',
              cb: message.cb,
              ok: false,
              res: {
                errMsg: `${message.name}:fail ${error instanceof Error ? error.message : error}`,
                // WeChat's numeric code, for the APIs that have one (requestSubscribeMessage).
                ...(typeof error?.errCode === 'number' ? { errCode: error.errCode } : {}),
              },
            }),
        );
        break;
      }
      case 'notfound:done':
        if (!message.handled) this.onError('page not found; opening the home page');
        // App.onPageNotFound is expected to redirect; if it opened nothing, show the home page.
        setTimeout(
          () => {
            if (this.pages.length === 0) this.safely(() => this.openPage(this.config.entryPagePath, {}));
          },
          message.handled ? 1000 : 0,
        );
        break;
      case 'error':
        this.tracker.error(message);
        this.onError(message.message);
        break;
      case 'unsupported':
        this.reportUnsupported(message);
        break;
      case 'warning':
        this.surface.dispatchEvent(new CustomEvent('hutong:warning', { detail: { what: String(message.what), name: String(message.name), text: String(message.text) } }));
        break;
      case 'share:handlers':
        this.shareAnswers.get(message.req)?.(message.handlers || {});
        this.shareAnswers.delete(message.req);
        break;
      case 'share:show': {
        // As in WeChat, the sheet opens only from the user's tap: the capsule menu's entry (which the
        // host itself saw chosen) or a share button in the page (the browser's user activation).
        if (!this.shareTapped(message)) {
          console.warn('share: the share sheet opens only from a tap on the share button or the menu');
          break;
        }
        // The shell draws the share sheet (or whatever the embedding host does with it).
        const page = this.pageById(message.id);
        const detail = { kind: message.kind, from: message.from, result: message.result || {}, route: page?.route, query: page?.query || {}, pageId: page?.id };
        this.surface.dispatchEvent(new CustomEvent('hutong:share', { detail }));
        break;
      }
      default:
        break;
    }
  }

  // -- the capsule menu's share entries ---------------------------------------------------------------
  /**
   * What the capsule menu offers for the top page, as WeChat decides it: Share if the page defines
   * onShareAppMessage or called showShareMenu, and has not hidden it; Share to Timeline if it also defines
   * onShareTimeline; Add to Favorites if it defines onAddToFavorites.
   * @returns {Promise<{appMessage: boolean, timeline: boolean, favorites: boolean}>}
   */
  async shareEntries() {
    const top = this.top;
    const none = { appMessage: false, timeline: false, favorites: false };
    if (!top || !this.worker) return none;
    const req = this.nextShareRequest++;
    /** @type {Record<string, boolean>} */
    const handlers = await new Promise((resolve) => {
      this.shareAnswers.set(req, resolve);
      this.toLogic({ t: 'share:which', id: top.id, req });
      setTimeout(() => resolve(none), 2000); // a logic thread busy in a loop: offer nothing rather than hang
    });
    const menu = shareMenuOf(this);
    const appMessage = (Boolean(handlers.appMessage) || menu.shown.has('shareAppMessage')) && !menu.hidden.has('shareAppMessage');
    return {
      appMessage,
      timeline: appMessage && Boolean(handlers.timeline) && !menu.hidden.has('shareTimeline'),
      favorites: Boolean(handlers.favorites),
    };
  }

  /** The user chose a share entry in the capsule menu. @param {'appMessage' | 'timeline' | 'favorites'} kind */
  shareFromMenu(kind) {
    const top = this.top;
    if (!top) return;
    // The page's answer may wait up to 3 s for its promise (logic/share.js): a little more than that.
    this.shareAsked = { id: top.id, kind, until: performance.now() + SHARE_ANSWER_MS };
    this.toLogic({ t: 'share:ask', id: top.id, kind });
  }

  /**
   * The top 5:4 of the top page as PNG bytes, drawn by its own frame (view/snapshot.js), for a share
   * card without an imageUrl; null if it gives none in time or what it gives is not a small PNG.
   * @param {number} [pageId] @returns {Promise<ArrayBuffer | null>}
   */
  snapshot(pageId = this.top?.id) {
    if (pageId === undefined) return Promise.resolve(null);
    const req = this.nextShareRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.snapshots.get(req)?.(null), SNAPSHOT_MS);
      this.snapshots.set(req, (png) => {
        clearTimeout(timer);
        this.snapshots.delete(req);
        const signature = png ? new Uint8Array(png, 0, Math.min(8, png.byteLength)) : null;
        const isPng = signature?.length === 8 && signature.every((byte, i) => byte === PNG_SIGNATURE[i]);
        resolve(png && isPng && png.byteLength <= MAX_SNAPSHOT_BYTES ? png : null);
      });
      this.toView(pageId, { t: 'snapshot', req });
    });
  }

  /**
   * Did the user's tap ask for this share? The menu entry the host saw chosen (once, for that page
   * and kind, within the answer time), or a share button: the browser's transient user activation,
   * which a tap in the page frame gives the host page and no script can make.
   * @param {any} message
   */
  shareTapped(message) {
    const asked = this.shareAsked;
    if (asked && asked.id === message.id && asked.kind === message.kind && performance.now() <= asked.until) {
      this.shareAsked = null;
      return true;
    }
    return message.from === 'button' && message.kind === 'appMessage' && userActed();
  }

  /** A frame announced itself: connect it if it is a page's, or keep it ready. @param {MessageEvent} event */
  onFrameMessage(event) {
    if (this.logicFrame && event.source === this.logicFrame.contentWindow) {
      this.onLogicFrameMessage(event.data);
      return;
    }
    if (event.data?.t !== 'frame:booted') return;
    if (this.spare && this.spare.frame.contentWindow === event.source) {
      this.spare.booted = true;
      this.prime(this.spare);
      return;
    }
    const page = [...this.pages, ...this.tabPages.values()].find((p) => p.frame.contentWindow === event.source);
    if (page && !page.port) this.connectFrame(page);
  }

  /**
   * A spare frame, booted while a page is up, gets its private port and the app's view code at once, as
   * WeChat's next webview has the app's code injected before a navigation needs it: navigateTo then
   * only names the page (connectFrame). The frame is this app's and no other's from here on.
   * @param {SpareFrame} spare
   */
  prime(spare) {
    if (!this.viewCode || spare.port) return;
    const channel = new MessageChannel();
    spare.port = channel.port1;
    spare.primed = this.viewCode;
    spare.frame.contentWindow?.postMessage({ t: 'port' }, '*', [channel.port2]);
    spare.port.postMessage({ t: 'prepare', viewCode: this.viewCode, webview: this.domains?.webview || [], assets: this.assetUrls || {}, map: mapTiles() });
  }

  /** What the logic thread's frame says: it is ready for the worker's port, or the worker failed. @param {any} message */
  onLogicFrameMessage(message) {
    if (message?.t === 'logic:sandbox' && this.logicEnd) {
      this.logicFrame?.contentWindow?.postMessage({ t: 'logic:port' }, '*', [this.logicEnd]);
      this.logicEnd = null;
    } else if (message?.t === 'logic:error') {
      this.onError(`logic thread failed: ${String(message.message)}`);
    }
  }

  /** Hand a booted frame a private port, its page and the page's channel to the logic thread. @param {PageFrame} page */
  connectFrame(page) {
    if (!page.port) {
      const channel = new MessageChannel();
      page.port = channel.port1;
      page.frame.contentWindow?.postMessage({ t: 'port' }, '*', [channel.port2]);
    }
    page.port.onmessage = (portEvent) => this.onViewMessage(page, portEvent.data);
    const window = { ...this.config.window, ...(this.config.pageConfigs?.[page.route]?.window || {}) };
    // Render operations and input go straight between the logic thread and this frame, on a channel
    // only the host can hand out: the port itself says which page speaks.
    const direct = new MessageChannel();
    this.toLogic({ t: 'page:port', id: page.id }, [direct.port1]);
    const code = this.packages?.viewCode(page.route, this.viewCode) ?? this.viewCode;
    // A primed frame has the main view code; a subpackage's page still needs its package's.
    const viewCode = code === page.primed ? null : code;
    const webview = this.domains?.webview || [];
    const assets = this.assetUrls || {};
    // The page's initial rendering cache, drawn until its first render arrives (logic/rendering-cache.js).
    const cache = this.cacheMode(page.route) ? this.renderingCache?.get(page.route) : null;
    page.port.postMessage({ t: 'init', viewCode, route: page.route, window, webview, assets, map: mapTiles(), cache }, [direct.port2]);
  }

  /** The page's `initialRenderingCache` ('static', 'dynamic' or ''). @param {string} route */
  cacheMode(route) {
    return renderingCacheMode(this.config, route);
  }

  /** @param {PageFrame} page @param {Record<string, any>} message */
  onViewMessage(page, message) {
    switch (message.t) {
      case 'cachedcontent':
        this.surface.dispatchEvent(new CustomEvent('hutong:cachedcontent', { detail: { ...message, pageId: page.id } }));
        break;
      case 'ready':
        page.ready = true;
        for (const queued of page.queue) page.port?.postMessage(queued);
        page.queue = [];
        break;
      case 'firstcontent':
        this.tracker.firstContent(page);
        // The page is up: boot the frame the next page will use.
        setTimeout(() => this.prepareFrame(), 0);
        this.surface.dispatchEvent(new CustomEvent('hutong:firstcontent', { detail: { ...message, pageId: page.id } }));
        break;
      case 'unsupported':
        this.reportUnsupported(message);
        break;
      case 'snapshot:done':
        this.snapshots.get(message.req)?.(message.png instanceof ArrayBuffer ? message.png : null);
        this.snapshots.delete(message.req);
        break;
      default:
        // Built-ins that need the host (open-data, nickname input): host/api/index.js viewMessages.
        if (typeof message.t === 'string' && Object.hasOwn(viewMessages, message.t)) viewMessages[message.t](this, page, message);
        break;
    }
  }

  /** A component or API the app used that the runtime lacks. @param {Record<string, any>} message */
  reportUnsupported(message) {
    const detail = { what: String(message.what), name: String(message.name) };
    this.surface.dispatchEvent(new CustomEvent('hutong:unsupported', { detail }));
  }

  // -- APIs the host answers --------------------------------------------------------------------------
  /** @param {string} name @param {Record<string, any>} args */
  async callApi(name, args) {
    const ok = { errMsg: `${name}:ok` };
    // A page in a subpackage opens only once its bundles are fetched, verified and running.
    if (typeof args.url === 'string' && this.packages?.rootOf(parseUrl(args.url).route)) {
      await this.packages.ensure(parseUrl(args.url).route);
    }
    const top = this.top;
    switch (name) {
      case 'hutong:loadPackage':
        // require.async of a module in a subpackage not loaded yet (logic/modules.js).
        if (!this.packages) throw new Error('no subpackages');
        await this.packages.once(String(args.root || ''));
        return ok;
      case 'navigateTo':
        this.navigateTo(String(args.url || ''), args.channel);
        return ok;
      case 'redirectTo':
        this.redirectTo(String(args.url || ''));
        return ok;
      case 'switchTab':
        this.switchTab(String(args.url || ''));
        return ok;
      case 'reLaunch':
        this.reLaunch(String(args.url || ''));
        return ok;
      case 'navigateBack':
        this.navigateBack(Number(args.delta) || 1);
        return ok;
      case 'setNavigationBarTitle':
        top.title = String(args.title ?? '');
        this.updateChrome();
        return ok;
      case 'setNavigationBarColor':
        top.colors = { frontColor: args.frontColor, backgroundColor: args.backgroundColor };
        this.updateChrome();
        return ok;
      case 'showNavigationBarLoading':
      case 'hideNavigationBarLoading':
        top.loading = name === 'showNavigationBarLoading';
        this.updateChrome();
        return ok;
      case 'hideHomeButton':
        top.homeHidden = true;
        this.updateChrome();
        return ok;
      case 'startPullDownRefresh':
        this.toView(top.id, { t: 'pulldown:start' });
        return ok;
      case 'stopPullDownRefresh':
        this.toView(top.id, { t: 'pulldown:stop' });
        return ok;
      case 'pageScrollTo':
        this.toView(top.id, { t: 'scrollTo', scrollTop: args.scrollTop, duration: args.duration ?? 300, selector: args.selector, offsetTop: args.offsetTop });
        return ok;
      case 'showTabBar':
      case 'hideTabBar':
        if (this.chrome) this.chrome.tabBarHiddenByApi = name === 'hideTabBar';
        this.updateChrome();
        return ok;
      case 'setTabBarBadge':
      case 'removeTabBarBadge':
      case 'showTabBarRedDot':
      case 'hideTabBarRedDot':
      case 'setTabBarItem': {
        if (!this.chrome) return ok;
        const index = Number(args.index);
        if (!this.config.tabBar?.list?.[index]) throw new ApiError('tabbar item not found');
        const item = (this.chrome.tabOverrides[index] ||= {});
        if (name === 'setTabBarBadge') item.badge = String(args.text ?? '');
        if (name === 'removeTabBarBadge') item.badge = '';
        if (name === 'showTabBarRedDot') item.dot = true;
        if (name === 'hideTabBarRedDot') item.dot = false;
        if (name === 'setTabBarItem') {
          if (args.text !== undefined) item.text = String(args.text);
          if (typeof args.iconPath === 'string') item.iconPath = args.iconPath;
          if (typeof args.selectedIconPath === 'string') item.selectedIconPath = args.selectedIconPath;
        }
        this.updateChrome();
        return ok;
      }
      case 'setTabBarStyle':
        // Only the style's own fields: an argument named __proto__ must not reach Object.assign.
        if (this.chrome) {
          for (const key of ['color', 'selectedColor', 'backgroundColor', 'borderStyle']) {
            if (Object.hasOwn(args, key)) this.chrome.tabStyle[key] = args[key];
          }
        }
        this.updateChrome();
        return ok;
      case 'setBackgroundColor':
      case 'setBackgroundTextStyle':
        return ok;
      default: {
        // The API families (host/api/): interaction, network, storage, media, location, device…
        const handler = Object.hasOwn(hostApis, name) ? hostApis[name] : null;
        if (handler) return { errMsg: `${name}:ok`, ...(await handler(this, args)) };
        throw new ApiError('not supported');
      }
    }
  }

  /**
   * Run `stop(app)` when the app closes (a sensor listened to, an audio graph, a position watched); the
   * same function given again runs once, so a family may register its module-level stop on every start.
   * @param {(mp: MiniProgram) => void} stop
   */
  whenClosed(stop) {
    this.closers.add(stop);
  }

  close() {
    this.closed = true;
    const closers = Array.from(this.closers);
    this.closers.clear();
    for (const stop of closers) stop(this);
    this.tracker.leave();
    screenChanged(this);
    // Removing the frame ends the worker it started.
    this.worker?.close();
    this.worker = null;
    this.logicFrame?.remove();
    this.logicFrame = null;
    window.removeEventListener('message', this.onFrameMessage);
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.onScheme) this.darkScheme?.removeEventListener('change', this.onScheme);
    this.surface.replaceChildren();
  }
}
