// @ts-check
/**
 * Logs: the app's console lines reach the host's developer panel (a `hutong:console` event on the
 * surface). Events for the platform's analytics, wx.reportEvent/reportAnalytics and what the host
 * collects by itself (host/analytics.js: page views with their stay, errors, timings, failed requests),
 * are queued and posted in batches, for this launch's app only (the launch manifest's `events_token`
 * proves which app, visit and release the host launched).
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */
/** @typedef {{kind?: string, name: string, value?: number, data?: Record<string, any>, at: number}} Reported */

const BATCH = 50;
const DELAY_MS = 1000;
/** A visit that reports in a loop must not grow the host's memory: the rest are dropped. */
const MAX_QUEUED = 1000;
/** WeChat's limits on wx.reportEvent: an event name, and its data object's size. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_DATA = 4096;

/** @type {WeakMap<MiniProgram, {events: Reported[], timer: any}>} */
const queues = new WeakMap();

/** @param {MiniProgram} mp @param {boolean} [leaving] the page is going away: the request outlives it */
export async function flush(mp, leaving = false) {
  const queue = queues.get(mp);
  if (!queue) return;
  if (queue.timer) clearTimeout(queue.timer);
  queue.timer = null;
  const events = queue.events.splice(0, BATCH);
  if (!events.length) return;
  const token = /** @type {any} */ (mp).eventsToken;
  try {
    const response = await fetch(`/api/apps/${encodeURIComponent(mp.appid)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'hutong-events-token': token } : {}) },
      body: JSON.stringify({ events }),
      keepalive: leaving,
    });
    if (response.status === 503 || response.status === 429) queue.events.unshift(...events); // later
    else if (!response.ok) console.warn(`[hutong] events for ${mp.appid} refused: ${response.status}`);
  } catch (error) {
    queue.events.unshift(...events); // kept for the next try
  }
  if (queue.events.length && !queue.timer) queue.timer = setTimeout(() => flush(mp), leaving ? 0 : DELAY_MS);
}

/** Queue one event for the platform. @param {MiniProgram} mp @param {Omit<Reported, 'at'> & {at?: number}} event */
export function report(mp, event) {
  let queue = queues.get(mp);
  if (!queue) queues.set(mp, (queue = { events: [], timer: null }));
  if (queue.events.length >= MAX_QUEUED) return;
  queue.events.push({ ...event, at: event.at ?? Date.now() });
  if (queue.events.length >= BATCH) flush(mp);
  else if (!queue.timer) queue.timer = setTimeout(() => flush(mp), DELAY_MS);
}

export const log = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongConsole: (mp, args) => {
    mp.surface.dispatchEvent(new CustomEvent('hutong:console', { detail: { level: String(args.level), text: String(args.text) } }));
    return {};
  },
  /** wx.reportEvent / wx.reportAnalytics. @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongReport: (mp, args) => {
    const name = String(args.name);
    const data = args.data && typeof args.data === 'object' ? args.data : {};
    if (!NAME.test(name)) throw new Error(`invalid eventId: ${name.slice(0, 40)}`);
    if (JSON.stringify(data).length > MAX_DATA) throw new Error(`data of ${name} is over ${MAX_DATA} bytes`);
    report(mp, { kind: 'custom', name, data });
    return {};
  },
  setEnableDebug: () => ({}),
};
