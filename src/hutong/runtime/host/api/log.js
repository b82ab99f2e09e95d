// @ts-check
/**
 * Logs: the app's console lines reach the host's developer panel (a `hutong:console` event on the
 * surface); reportEvent/reportAnalytics are queued and posted to the platform in batches, for this
 * launch's app only (the launch manifest's `events_token` proves which app the host launched).
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const BATCH = 50;
const DELAY_MS = 1000;

/** @type {WeakMap<MiniProgram, {events: any[], timer: any}>} */
const queues = new WeakMap();

/** @param {MiniProgram} mp */
async function flush(mp) {
  const queue = queues.get(mp);
  if (!queue) return;
  queue.timer = null;
  const events = queue.events.splice(0, BATCH);
  if (!events.length) return;
  const token = /** @type {any} */ (mp).eventsToken;
  try {
    const response = await fetch(`/api/apps/${encodeURIComponent(mp.appid)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'hutong-events-token': token } : {}) },
      body: JSON.stringify({ events }),
    });
    if (!response.ok) console.warn(`[hutong] events for ${mp.appid} refused: ${response.status}`);
  } catch (error) {
    queue.events.unshift(...events); // kept for the next try
  }
  if (queue.events.length && !queue.timer) queue.timer = setTimeout(() => flush(mp), DELAY_MS);
}

export const log = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongConsole: (mp, args) => {
    mp.surface.dispatchEvent(new CustomEvent('hutong:console', { detail: { level: String(args.level), text: String(args.text) } }));
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongReport: (mp, args) => {
    let queue = queues.get(mp);
    if (!queue) queues.set(mp, (queue = { events: [], timer: null }));
    queue.events.push({ name: String(args.name).slice(0, 128), data: args.data ?? {}, at: Date.now() });
    if (queue.events.length >= BATCH) flush(mp);
    else if (!queue.timer) queue.timer = setTimeout(() => flush(mp), DELAY_MS);
    return {};
  },
  setEnableDebug: () => ({}),
};
