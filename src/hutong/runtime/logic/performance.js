// @ts-check
/**
 * wx.getPerformance: the entries the logic thread can measure itself. `navigation` (appLaunch for
 * the first page, route for the others: from the page's creation to its first render shown) and
 * `render` (firstRender: from the render sent to the frame's answer). Times are the logic thread's
 * performance.now() clock.
 */

/** @typedef {{entryType: string, name: string, startTime: number, duration: number, path?: string, pageId?: number, navigationType?: string}} Entry */

/** @type {Entry[]} */
const entries = [];
let bufferSize = 30;
/** @type {Set<{types: Set<string>, callback: Function}>} */
const observers = new Set();
let launched = false;

/** @param {Entry} entry */
function record(entry) {
  entries.push(entry);
  if (entries.length > bufferSize) entries.splice(0, entries.length - bufferSize);
  for (const observer of observers) {
    if (!observer.types.has(entry.entryType)) continue;
    const list = { getEntries: () => [entry], getEntriesByName: (/** @type {string} */ n) => (entry.name === n ? [entry] : []), getEntriesByType: (/** @type {string} */ t) => (entry.entryType === t ? [entry] : []) };
    try {
      observer.callback(list);
    } catch (error) {
      console.error(error);
    }
  }
}

/**
 * page.js: a page was created at `createdAt` and its first render was sent at `sentAt`; the frame has
 * now shown it.
 * @param {string} route @param {number} pageId @param {number} createdAt @param {number} sentAt
 */
export function pageShown(route, pageId, createdAt, sentAt) {
  const now = performance.now();
  const name = launched ? 'route' : 'appLaunch';
  launched = true;
  record({ entryType: 'navigation', name, startTime: createdAt, duration: now - createdAt, path: route, pageId, navigationType: name === 'appLaunch' ? 'appLaunch' : 'navigateTo' });
  record({ entryType: 'render', name: 'firstRender', startTime: sentAt, duration: now - sentAt, path: route, pageId });
}

const wxPerformance = {
  now: () => performance.now(),
  getEntries: () => entries.slice(),
  /** @param {string} name @param {string} [type] */
  getEntriesByName: (name, type) => entries.filter((e) => e.name === name && (!type || e.entryType === type)),
  /** @param {string} type */
  getEntriesByType: (type) => entries.filter((e) => e.entryType === type),
  /** @param {number} size */
  setBufferSize: (size) => {
    bufferSize = Math.max(1, Number(size) || 30);
  },
  /** @param {Function} callback */
  createObserver(callback) {
    /** @type {{types: Set<string>, callback: Function}} */
    const observer = { types: new Set(), callback: typeof callback === 'function' ? callback : () => {} };
    return {
      /** @param {{entryTypes?: string[], type?: string}} options */
      observe(options = {}) {
        observer.types = new Set(options.entryTypes || (options.type ? [options.type] : []));
        observers.add(observer);
      },
      disconnect() {
        observers.delete(observer);
      },
    };
  },
};

export function getPerformance() {
  return wxPerformance;
}
