// @ts-check
/**
 * What the host reports about each visit by itself, with no code from the developer (WeChat's We分析
 * collects the same): page views with the page path and how long each stayed on screen, uncaught
 * errors with the developer's file and line, the launch's and each page's first-render time, and a
 * failed launch. Requests that fail are reported by host/api/network.js. Everything goes through
 * host/api/log.js's batches; the platform adds the launch itself (scene, release) when it answers the
 * launch manifest.
 */
import { flush, report } from './api/log.js';

/** @typedef {import('./miniprogram.js').MiniProgram} MiniProgram */

export class VisitTracker {
  /** @param {MiniProgram} mp */
  constructor(mp) {
    this.mp = mp;
    this.startedAt = performance.now();
    /** @type {{id: number, route: string, since: number, at: number} | null} the page on screen */
    this.viewing = null;
    this.launchTimed = false;
    /** @type {Map<number, number>} page id → when it was opened */
    this.opened = new Map();
  }

  /** The page on screen may have changed (navigation, background, foreground, close). */
  update() {
    const mp = this.mp;
    const top = mp.foreground && !mp.closed ? mp.top : null;
    const current = this.viewing;
    if (current && top?.id === current.id) return;
    if (current) {
      report(mp, { kind: 'page', name: current.route, value: Math.round(performance.now() - current.since), at: current.at });
      this.viewing = null;
    }
    if (top) this.viewing = { id: top.id, route: top.route, since: performance.now(), at: Date.now() };
  }

  /** @param {number} pageId */
  pageOpened(pageId) {
    this.opened.set(pageId, performance.now());
  }

  /** A page's first content is on screen. @param {{id: number, route: string}} page */
  firstContent(page) {
    const now = performance.now();
    const opened = this.opened.get(page.id);
    this.opened.delete(page.id);
    if (!this.launchTimed) {
      this.launchTimed = true;
      report(this.mp, { kind: 'perf', name: 'launch', value: Math.round(now - this.startedAt), data: { page: page.route } });
    }
    if (opened !== undefined) report(this.mp, { kind: 'perf', name: 'first_render', value: Math.round(now - opened), data: { page: page.route } });
  }

  /** An uncaught error in the app's code, as the logic thread mapped it. @param {Record<string, any>} message */
  error(message) {
    const text = String(message.text ?? message.message ?? 'error');
    const data = /** @type {Record<string, any>} */ ({ stack: String(message.stack || '').slice(0, 3000), page: this.mp.top?.route || '' });
    if (message.file) Object.assign(data, { file: String(message.file), line: Number(message.line) || 0 });
    report(this.mp, { kind: 'error', name: text.slice(0, 128) || 'error', data });
  }

  /** The launch failed after the manifest came (a bundle refused, the app's code did not start). @param {unknown} error */
  launchFailed(error) {
    const text = error instanceof Error ? error.message : String(error);
    report(this.mp, { kind: 'error', name: `launch failed: ${text}`.slice(0, 128), data: { fatal: true } });
    flush(this.mp, true);
  }

  /** The visit ends or leaves the screen: what is queued goes now, even if the page is unloading. */
  leave() {
    this.update();
    flush(this.mp, true);
  }
}
