// @ts-check
/**
 * Logs: the app's console reaches the host's developer panel; LogManager and RealtimeLogManager write
 * there too; reportEvent/reportAnalytics are queued and posted to the platform by the host.
 */
import { callHost } from '../call.js';

/** @param {any[]} args */
function text(args) {
  return args
    .map((value) => {
      if (typeof value === 'string') return value;
      if (value instanceof Error) return value.stack || value.message;
      try {
        return JSON.stringify(value);
      } catch {
        return String(value);
      }
    })
    .join(' ');
}

/** An app that logs in a loop must not flood the host: the first lines are mirrored, then one notice. */
const MAX_LINES = 1000;
let lines = 0;

/** @param {string} level @param {any[]} args */
function forward(level, args) {
  lines += 1;
  if (lines > MAX_LINES + 1) return;
  if (lines === MAX_LINES + 1) args = [`[hutong] more than ${MAX_LINES} console lines: the rest stay in the logic thread's console`];
  const pending = callHost('hutongConsole', { level, text: text(args).slice(0, 4000) });
  pending?.catch(() => {});
}

/** Mirror console.* to the host (the worker's own console still gets everything). */
export function forwardConsole() {
  const target = /** @type {any} */ (console);
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = target[level].bind(console);
    target[level] = (/** @type {any[]} */ ...args) => {
      original(...args);
      forward(level, args);
    };
  }
}

/** @param {string} kind */
function manager(kind) {
  /** @param {string} level */
  const write = (level) => (/** @type {any[]} */ ...args) => forward(level, [`[${kind}]`, ...args]);
  return { log: write('log'), info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug'), setFilterMsg: () => {}, addFilterMsg: () => {}, in: () => {}, getCurrentState: () => null, tag: () => manager(kind) };
}

/** @param {string} name @param {any} data */
function report(name, data) {
  let plain = {};
  try {
    plain = JSON.parse(JSON.stringify(data ?? {}));
  } catch {
    plain = {};
  }
  callHost('hutongReport', { name: String(name), data: plain })?.catch(() => {});
}

export const log = {
  getLogManager: () => manager('log'),
  getRealtimeLogManager: () => manager('realtime'),
  /** @param {string} name @param {any} data */
  reportEvent: (name, data) => report(name, data),
  /** @param {string} name @param {any} data */
  reportAnalytics: (name, data) => report(name, data),
  /** @param {any} options */
  setEnableDebug: (options) => callHost('setEnableDebug', options || {}),
};
