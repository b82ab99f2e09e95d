// @ts-check
/**
 * The host's half of WeChat's initial rendering cache (logic/rendering-cache.js records, view/frame.js
 * draws): what each page of an app looks like before its logic runs, kept in the host's IndexedDB
 * (api/idb.js, store `rendering`, keyed by app, person and route) with the release it was recorded
 * under. A new release, a new runtime or another person's launch does not match, so a page never
 * shows a picture another version or person recorded; the next open records again.
 */
import { loadAll, write } from './api/idb.js';

/** A page's kept render at most (the JSON of its operations), and pages kept per app. */
export const MAX_BYTES = 256 * 1024;
export const MAX_PAGES = 32;
/** How long an asked-for write waits, so that a page asking in a loop costs one write. */
const WRITE_EVERY_MS = 250;

export class RenderingCache {
  /**
   * @param {string} appid @param {string} user @param {string} release what the records must name
   * @param {Map<string, any[]>} pages the records that name it, by route
   */
  constructor(appid, user, release, pages) {
    this.appid = appid;
    this.user = user;
    this.release = release;
    this.pages = pages;
    /** @type {Map<string, any>} what the app asked to keep since the last write, by route */
    this.waiting = new Map();
    this.timer = 0;
  }

  /**
   * What the host keeps for this launch; nothing (not an error) when IndexedDB cannot be read.
   * @param {string} appid @param {string} user @param {string} release
   */
  static async load(appid, user, release) {
    /** @type {Map<string, any[]>} */
    const pages = new Map();
    try {
      for (const [route, record] of await loadAll('rendering', appid, user)) {
        if (record?.release === release && Array.isArray(record.ops)) pages.set(route, record.ops);
      }
    } catch {
      // A private window or a full disk: open without the cache.
    }
    return new RenderingCache(appid, user, release, pages);
  }

  /** @param {string} route */
  get(route) {
    return this.pages.get(route) || null;
  }

  /**
   * Keep (or, with null, forget) a page's render. The app's code decides how often it asks, so an ask
   * waits up to WRITE_EVERY_MS and only each page's last ask by then is written; what is too big is
   * not kept and forgets the page's older picture, and a page beyond MAX_PAGES is not kept.
   * @param {string} route @param {any} ops
   */
  put(route, ops) {
    this.waiting.set(route, ops);
    this.timer ||= setTimeout(() => {
      this.timer = 0;
      this.flush().catch(() => undefined);
    }, WRITE_EVERY_MS);
  }

  async flush() {
    const waiting = Array.from(this.waiting);
    this.waiting.clear();
    for (const [route, ops] of waiting) {
      // null forgets; so does a picture too big to keep, since the last ask wins over an older picture.
      if (ops === null || !Array.isArray(ops) || JSON.stringify(ops).length > MAX_BYTES) {
        this.pages.delete(route);
        await write('rendering', this.appid, this.user, { op: 'remove', key: route });
        continue;
      }
      if (!this.pages.has(route) && this.pages.size >= MAX_PAGES) continue;
      this.pages.set(route, ops);
      await write('rendering', this.appid, this.user, { op: 'set', key: route, value: { release: this.release, ops } });
    }
  }
}
