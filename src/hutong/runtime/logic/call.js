// @ts-check
/**
 * Calls from the logic thread to the host, answered in WeChat's success/fail/complete shape; and the
 * one-time report of an API the runtime lacks. Kept apart from wx.js so that the API families
 * (logic/api/) can use them without importing `wx` itself.
 */
import { send } from './bridge.js';

let nextCallback = 1;
/** @type {Map<number, (result: {ok: boolean, res: any}) => void>} */
const waiting = new Map();

/** @param {number} id @param {{ok: boolean, res: any}} result */
export function settle(id, result) {
  const resolve = waiting.get(id);
  waiting.delete(id);
  if (resolve) resolve(result);
}

/**
 * Call a host API the WeChat way: callbacks when any is given, otherwise a Promise.
 * @param {string} name
 * @param {Record<string, any>} [options]
 * @param {(res: any) => any} [decorate] adds logic-side fields to a successful result
 */
export function callHost(name, options = {}, decorate) {
  const { success, fail, complete, ...args } = options || {};
  const id = nextCallback++;
  const promise = new Promise((resolve, reject) => {
    waiting.set(id, ({ ok, res }) => {
      if (ok && decorate) res = decorate(res);
      if (ok) {
        if (typeof success === 'function') success(res);
        if (typeof complete === 'function') complete(res);
        resolve(res);
      } else {
        if (typeof fail === 'function') fail(res);
        if (typeof complete === 'function') complete(res);
        reject(res);
      }
    });
  });
  send({ t: 'api', name, args: plain(args), cb: id });
  if (success || fail || complete) {
    promise.catch(() => {});
    return undefined;
  }
  return promise;
}

/** Only what survives a structured clone goes to the host. @param {Record<string, any>} args */
function plain(args) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [key, value] of Object.entries(args)) if (typeof value !== 'function') out[key] = value;
  return out;
}

/** @type {Set<string>} */
const reportedApis = new Set();

/** Say once (console warning, host diagnostic) that the app used `wx.<name>`, which the runtime lacks. @param {string} name */
export function reportUnsupported(name) {
  if (reportedApis.has(name)) return;
  reportedApis.add(name);
  console.warn(`[hutong] API wx.${name} is not supported`);
  send({ t: 'unsupported', what: 'api', name: `wx.${name}` });
}

