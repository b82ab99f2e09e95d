// @ts-check
/**
 * Mini programs alive in the background, as in WeChat: closing one with the capsule keeps it running,
 * hidden (App.onHide); opening it again shows the same page stack without reloading (App.onShow). At
 * most MAX_ALIVE stay alive (the least recently used one is closed), and one left in the background for
 * BACKGROUND_LIFETIME is closed.
 */
import { MiniProgram } from '../host/miniprogram.js';

/** The runtime's root, versioned as this module is (served beside it under /_rt/<version>/). */
const RUNTIME_BASE = new URL('../', import.meta.url).href;

export const MAX_ALIVE = 5;
export const BACKGROUND_LIFETIME = 5 * 60 * 1000;

/**
 * @typedef {{key: string, appid: string, channel: string, program: MiniProgram, surface: HTMLElement,
 *   usedAt: number, timer: ReturnType<typeof setTimeout> | null, returnTo?: string | null}} Alive
 *   `returnTo`: the key of the app that opened this one (wx.navigateToMiniProgram), for navigateBackMiniProgram
 */

/**
 * App.onHide, through the runtime's own method when it has one, else by telling the logic thread.
 * @param {any} program
 */
function appHide(program) {
  if (typeof program.hide === 'function') program.hide();
  else program.toLogic({ t: 'app:hide' });
}

/** @param {any} program @param {{scene?: number, query?: Record<string, string>, referrerInfo?: Record<string, any>}} options */
function appShow(program, options) {
  if (typeof program.show === 'function') {
    program.show(options);
    return;
  }
  const top = program.pages[program.pages.length - 1];
  const query = options.query || top?.query || {};
  program.toLogic({ t: 'app:show', options: { path: top?.route, query, scene: options.scene ?? 1001, referrerInfo: options.referrerInfo || {} } });
}

export class AliveApps {
  /**
   * @param {HTMLElement} container where each app's surface lives
   * @param {(surface: HTMLElement) => void} watch called with each new surface (for the host's log)
   * @param {(message: string) => void} onError
   * @param {{max?: number, lifetime?: number}} [limits] how many stay alive; how long one waits hidden (ms)
   */
  constructor(container, watch, onError, limits = {}) {
    this.container = container;
    this.watch = watch;
    this.onError = onError;
    this.max = limits.max ?? MAX_ALIVE;
    this.lifetime = limits.lifetime ?? BACKGROUND_LIFETIME;
    /** Ticks on every use: orders apps by recency even within one millisecond. */
    this.uses = 0;
    /** @type {Map<string, Alive>} */
    this.apps = new Map();
    /** @type {Alive | null} */
    this.current = null;
    /** Set by the shell: its sign-in sheet, for mini programs that need a signed-in user. @type {((reason: string) => Promise<boolean>) | undefined} */
    this.requestSignIn = undefined;
    /** Set by the shell: how one mini program opens another (wx.navigateToMiniProgram). @type {import('../host/miniprogram.js').MiniProgramNavigator | undefined} */
    this.navigator = undefined;
  }

  /** The alive app running `program`, if any. @param {MiniProgram} program */
  byProgram(program) {
    for (const alive of this.apps.values()) if (alive.program === program) return alive;
    return null;
  }

  /** @param {string} appid @param {string} channel */
  static key(appid, channel) {
    return `${channel}:${appid}`;
  }

  /** @param {string} appid @param {string} channel */
  get(appid, channel) {
    return this.apps.get(AliveApps.key(appid, channel)) || null;
  }

  /**
   * Bring an app in the background back to the front. @param {Alive} alive
   * @param {{scene?: number, query?: Record<string, string>, referrerInfo?: Record<string, any>}} options
   */
  resume(alive, options) {
    this.background();
    if (alive.timer) clearTimeout(alive.timer);
    alive.timer = null;
    alive.usedAt = ++this.uses;
    alive.surface.hidden = false;
    this.current = alive;
    appShow(alive.program, options);
  }

  /**
   * Start a fresh instance (closing any older one of the same app).
   * @param {string} appid @param {string} channel @param {string} launchUrl
   */
  create(appid, channel, launchUrl) {
    const key = AliveApps.key(appid, channel);
    const old = this.apps.get(key);
    if (old) this.destroy(old);
    this.background();
    while (this.apps.size >= this.max) {
      const oldest = [...this.apps.values()].sort((a, b) => a.usedAt - b.usedAt)[0];
      this.destroy(oldest);
    }
    const surface = document.createElement('div');
    surface.className = 'surface';
    surface.dataset.appid = appid;
    this.container.appendChild(surface);
    this.watch(surface);
    const program = new MiniProgram({ appid, surface, runtimeBase: RUNTIME_BASE, launchUrl, onError: this.onError, requestSignIn: this.requestSignIn, navigator: this.navigator });
    /** @type {Alive} */
    const alive = { key, appid, channel, program, surface, usedAt: ++this.uses, timer: null };
    this.apps.set(key, alive);
    this.current = alive;
    return alive;
  }

  /** The app on screen goes to the background; it stays alive for a while. */
  background() {
    const alive = this.current;
    if (!alive) return;
    this.current = null;
    alive.surface.hidden = true;
    appHide(alive.program);
    alive.timer = setTimeout(() => this.destroy(alive), this.lifetime);
  }

  /** @param {Alive} alive */
  destroy(alive) {
    if (alive.timer) clearTimeout(alive.timer);
    alive.program.close();
    alive.surface.remove();
    this.apps.delete(alive.key);
    if (this.current === alive) this.current = null;
  }
}
