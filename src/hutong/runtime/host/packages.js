// @ts-check
/**
 * Subpackages, as the host loads them: before the first page of a subpackage opens, fetch its logic
 * and view bundles, refuse them unless their SHA-256 matches the launch manifest, run the logic in the
 * worker (and wait until it has), and keep the view code for that package's page frames. The main
 * package is loaded at launch (miniprogram.js). Which package holds a page is in app-config.json
 * (`pageConfigs[route].package`, `packages[]`).
 */
import { fetchVerified } from './integrity.js';

/**
 * @typedef {{config: Record<string, any>, worker: Worker | null,
 *   toLogic: (message: Record<string, any>) => void}} Host
 */

export class Packages {
  /**
   * @param {Host} host the running mini program
   * @param {Record<string, {url: string, sha256: string}>} bundles the launch manifest's bundles
   */
  constructor(host, bundles) {
    this.host = host;
    this.bundles = bundles;
    /** @type {Map<string, Promise<void>>} */
    this.loading = new Map();
    /** @type {Map<string, string>} */
    this.views = new Map();
  }

  /** The root of the package holding `route` ("" for the main package). @param {string} route */
  rootOf(route) {
    return this.host.config.pageConfigs?.[route]?.package || '';
  }

  /**
   * Load the package holding `route`, once; resolves at once for the main package. Entering `route`
   * also starts app.json's `preloadRule[route].packages` (roots or names) in the background.
   * @param {string} route
   */
  ensure(route) {
    const root = this.rootOf(route);
    const rule = this.host.config.app?.preloadRule?.[route];
    if (rule && Array.isArray(rule.packages)) setTimeout(() => this.preload(rule.packages), 0);
    if (!root) return Promise.resolve();
    return this.once(root);
  }

  /** @param {string[]} wanted package roots or names */
  preload(wanted) {
    for (const info of this.host.config.packages || []) {
      if (info.root && (wanted.includes(info.root) || wanted.includes(info.name))) {
        this.once(info.root).catch(() => {});
      }
    }
  }

  /** @param {string} root */
  once(root) {
    let loading = this.loading.get(root);
    if (!loading) {
      loading = this.load(root);
      this.loading.set(root, loading);
      // A failed download may be retried by the next navigation.
      loading.catch(() => this.loading.delete(root));
    }
    return loading;
  }

  /** @param {string} root */
  async load(root) {
    const info = (this.host.config.packages || []).find((/** @type {any} */ p) => p.root === root);
    if (!info) throw new Error(`no subpackage "${root}"`);
    const [logic, view] = await Promise.all([
      fetchVerified(this.bundles[info.logic], info.logic),
      fetchVerified(this.bundles[info.view], info.view),
    ]);
    const worker = this.host.worker;
    if (!worker) throw new Error('the logic thread is not running');
    await new Promise((resolve, reject) => {
      /** @param {MessageEvent} event */
      const listener = (event) => {
        const message = event.data;
        if (message?.t !== 'package:loaded' || message.root !== root) return;
        worker.removeEventListener('message', listener);
        if (message.error) reject(new Error(`subpackage "${root}" failed to load: ${message.error}`));
        else resolve(undefined);
      };
      worker.addEventListener('message', listener);
      // The view code goes to the logic thread too: it renders the package's templates.
      this.host.toLogic({ t: 'package:logic', root, code: logic, view, entry: info.entry || null });
    });
    this.views.set(root, view);
  }

  /**
   * The view code a frame for `route` runs: the main bundle, every other subpackage loaded so far (a
   * component used across packages finds its styles once its package is there), then its own.
   * @param {string} route @param {string} mainView
   */
  viewCode(route, mainView) {
    const own = this.rootOf(route);
    const others = [...this.views].filter(([root]) => root !== own).map(([, view]) => view);
    const sub = this.views.get(own);
    return [mainView, ...others, ...(sub ? [sub] : [])].join('\n');
  }
}
