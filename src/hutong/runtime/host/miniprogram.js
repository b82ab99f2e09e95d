// @ts-check
/**
 * A running mini program, as the host's native layer sees it: one logic Worker, a stack of page
 * frames, and the relay between them. Every message passes through here, stamped with the page it
 * came from, so a frame can only ever speak for itself.
 */
import { showToast } from './dialogs.js';
import { fetchSignedManifest, fetchVerified } from './integrity.js';
import { Packages } from './packages.js';

const MAX_PAGES = 10;

/**
 * @typedef {{id: number, route: string, query: Record<string, string>, frame: HTMLIFrameElement,
 *   port: MessagePort | null, ready: boolean, queue: any[], title?: string}} PageFrame
 */

/** @param {string} url */
function parseUrl(url) {
  const [path, search = ''] = url.split('?');
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return { route: path.replace(/^\//, ''), query };
}

export class MiniProgram {
  /**
   * @param {{appid: string, surface: HTMLElement, runtimeBase: string, launchUrl: string,
   *   onError?: (message: string) => void}} options
   */
  constructor(options) {
    this.appid = options.appid;
    this.surface = options.surface;
    this.runtimeBase = new URL(options.runtimeBase, location.href).href;
    this.launchUrl = options.launchUrl;
    this.onError = options.onError || ((message) => console.error(message));
    /** @type {PageFrame[]} */
    this.pages = [];
    this.nextPageId = 1;
    /** @type {Record<string, any>} */
    this.config = {};
    this.viewCode = '';
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Packages | null} */
    this.packages = null;
    this.onFrameMessage = this.onFrameMessage.bind(this);
  }

  /** @param {{path?: string, query?: Record<string, string>, scene?: number}} [launch] */
  async start(launch = {}) {
    const manifest = await fetchSignedManifest(this.launchUrl, this.appid);
    /** Allowed origins per kind (request, upload, download, socket, webview), from the signed manifest. */
    this.domains = manifest.domains || {};
    const [logicCode, viewCode, configText] = await Promise.all([
      fetchVerified(manifest.bundles['logic.js'], 'logic.js'),
      fetchVerified(manifest.bundles['view.js'], 'view.js'),
      fetchVerified(manifest.bundles['app-config.json'], 'app-config.json'),
    ]);
    this.config = JSON.parse(configText);
    this.viewCode = viewCode;
    this.packages = new Packages(this, manifest.bundles);
    this.buildChrome();
    window.addEventListener('message', this.onFrameMessage);
    const route = launch.path || this.config.entryPagePath;
    const launchOptions = { path: route, query: launch.query || {}, scene: launch.scene ?? 1001, referrerInfo: {} };
    this.startWorker(logicCode, launchOptions);
    await this.packages.ensure(route);
    this.pushPage(route, launch.query || {});
  }

  buildChrome() {
    this.surface.classList.add('hutong-surface');
    this.navbar = document.createElement('div');
    this.navbar.className = 'hutong-navbar';
    this.backButton = document.createElement('button');
    this.backButton.className = 'hutong-back';
    this.backButton.textContent = '‹';
    this.backButton.setAttribute('aria-label', 'Back');
    this.backButton.addEventListener('click', () => this.navigateBack(1));
    this.title = document.createElement('div');
    this.title.className = 'hutong-title';
    this.navbar.append(this.backButton, this.title);
    this.frames = document.createElement('div');
    this.frames.className = 'hutong-frames';
    this.surface.replaceChildren(this.navbar, this.frames);
  }

  /** @param {string} logicCode @param {Record<string, any>} launch */
  startWorker(logicCode, launch) {
    // A data: URL gives the worker an opaque origin: it cannot reach the host's storage or cookies.
    const boot = `import(${JSON.stringify(`${this.runtimeBase}logic/worker.js`)});`;
    this.worker = new Worker(`data:text/javascript,${encodeURIComponent(boot)}`, { type: 'module' });
    this.worker.onmessage = (event) => this.onLogicMessage(event.data);
    this.worker.onerror = (event) => this.onError(`logic thread failed: ${event.message}`);
    this.pendingInit = { t: 'init', config: this.config, logicCode, launch };
  }

  /** @param {string} route @param {Record<string, string>} query */
  pushPage(route, query) {
    if (!this.config.pages.includes(route)) throw new Error(`page "${route}" is not in app.json`);
    if (this.pages.length >= MAX_PAGES) throw new Error('the page stack is full (10 pages)');
    const frame = document.createElement('iframe');
    frame.className = 'hutong-page';
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.src = `${this.runtimeBase}view/view.html`;
    /** @type {PageFrame} */
    const page = { id: this.nextPageId++, route, query, frame, port: null, ready: false, queue: [] };
    const previous = this.pages[this.pages.length - 1];
    this.pages.push(page);
    this.frames?.appendChild(frame);
    if (previous) {
      previous.frame.hidden = true;
      this.toLogic({ t: 'page:hide', id: previous.id });
    }
    this.updateChrome();
    this.toLogic({ t: 'page:load', id: page.id, route, query });
  }

  /** @param {number} delta */
  navigateBack(delta) {
    const count = Math.min(Math.max(1, delta), this.pages.length - 1);
    for (let i = 0; i < count; i += 1) {
      const page = /** @type {PageFrame} */ (this.pages.pop());
      this.toLogic({ t: 'page:unload', id: page.id });
      page.port?.close();
      page.frame.remove();
    }
    const top = this.pages[this.pages.length - 1];
    top.frame.hidden = false;
    this.toLogic({ t: 'page:show', id: top.id });
    this.updateChrome();
  }

  updateChrome() {
    const top = this.pages[this.pages.length - 1];
    const window = { ...this.config.window, ...(this.config.pageConfigs[top.route]?.window || {}) };
    if (this.title) this.title.textContent = top.title ?? window.navigationBarTitleText ?? '';
    if (this.navbar) {
      this.navbar.style.background = window.navigationBarBackgroundColor;
      this.navbar.style.color = window.navigationBarTextStyle === 'black' ? '#000' : '#fff';
    }
    if (this.backButton) this.backButton.hidden = this.pages.length < 2;
  }

  /** @param {Record<string, any>} message */
  toLogic(message) {
    if (!this.worker) return;
    if (this.pendingInit) {
      (this.logicQueue ||= []).push(message);
    } else {
      this.worker.postMessage(message);
    }
  }

  /** @param {number} id @param {Record<string, any>} message */
  toView(id, message) {
    const page = this.pages.find((p) => p.id === id);
    if (!page) return;
    // Until the frame has installed the view bundle, hold its messages here, in order.
    if (page.ready) page.port?.postMessage(message);
    else page.queue.push(message);
  }

  /** @param {Record<string, any>} message */
  onLogicMessage(message) {
    switch (message.t) {
      case 'booted':
        this.worker?.postMessage(this.pendingInit);
        break;
      case 'ready':
        this.pendingInit = null;
        for (const queued of this.logicQueue || []) this.worker?.postMessage(queued);
        this.logicQueue = [];
        break;
      case 'page:data':
        this.toView(message.id, { t: 'data', seq: message.seq, data: message.data });
        break;
      case 'api':
        this.callApi(message.name, message.args || {}).then(
          (res) => this.worker?.postMessage({ t: 'api:result', cb: message.cb, ok: true, res }),
          (error) =>
            this.worker?.postMessage({
              t: 'api:result',
              cb: message.cb,
              ok: false,
              res: { errMsg: `${message.name}:fail ${error instanceof Error ? error.message : error}` },
            }),
        );
        break;
      case 'error':
        this.onError(message.message);
        break;
      case 'unsupported':
        this.reportUnsupported(message);
        break;
      default:
        break;
    }
  }

  /** A frame announced itself: hand it a private port and its page. @param {MessageEvent} event */
  onFrameMessage(event) {
    const page = this.pages.find((p) => p.frame.contentWindow === event.source);
    if (!page || page.port || event.data?.t !== 'frame:booted') return;
    const channel = new MessageChannel();
    page.port = channel.port1;
    page.port.onmessage = (portEvent) => this.onViewMessage(page, portEvent.data);
    page.frame.contentWindow?.postMessage({ t: 'port' }, '*', [channel.port2]);
    const viewCode = this.packages?.viewCode(page.route, this.viewCode) ?? this.viewCode;
    page.port.postMessage({ t: 'init', viewCode, route: page.route });
  }

  /** @param {PageFrame} page @param {Record<string, any>} message */
  onViewMessage(page, message) {
    if (message.t === 'ready') {
      page.ready = true;
      for (const queued of page.queue) page.port?.postMessage(queued);
      page.queue = [];
    } else if (message.t === 'rendered') {
      this.toLogic({ t: 'page:rendered', id: page.id, seq: message.seq });
      if (message.seq === 0) this.surface.dispatchEvent(new CustomEvent('hutong:firstcontent', { detail: message }));
    } else if (message.t === 'unsupported') {
      this.reportUnsupported(message);
    } else if (message.t === 'event' && typeof message.handler === 'string') {
      this.toLogic({ t: 'event', id: page.id, handler: message.handler, event: message.event });
    }
  }

  /** A component or API the app used that the runtime lacks. @param {Record<string, any>} message */
  reportUnsupported(message) {
    const detail = { what: String(message.what), name: String(message.name) };
    this.surface.dispatchEvent(new CustomEvent('hutong:unsupported', { detail }));
  }

  /** @param {string} name @param {Record<string, any>} args */
  async callApi(name, args) {
    // A page in a subpackage opens only once its bundles are fetched, verified and running.
    if (typeof args.url === 'string') await this.packages?.ensure(parseUrl(args.url).route);
    switch (name) {
      case 'showToast':
        showToast(this.surface, args);
        return { errMsg: 'showToast:ok' };
      case 'navigateTo': {
        const { route, query } = parseUrl(String(args.url || ''));
        this.pushPage(route, query);
        return { errMsg: 'navigateTo:ok' };
      }
      case 'navigateBack':
        if (this.pages.length < 2) throw new Error('cannot navigate back at first page');
        this.navigateBack(Number(args.delta) || 1);
        return { errMsg: 'navigateBack:ok' };
      case 'setNavigationBarTitle': {
        const top = this.pages[this.pages.length - 1];
        top.title = String(args.title ?? '');
        this.updateChrome();
        return { errMsg: 'setNavigationBarTitle:ok' };
      }
      default:
        throw new Error('not supported');
    }
  }

  close() {
    this.worker?.terminate();
    window.removeEventListener('message', this.onFrameMessage);
    this.surface.replaceChildren();
  }
}
