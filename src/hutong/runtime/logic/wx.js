// @ts-check
/** The `wx` object: each API calls the host and answers in WeChat's success/fail/complete shape. */
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
 */
export function callHost(name, options = {}) {
  const { success, fail, complete, ...args } = options || {};
  const id = nextCallback++;
  const promise = new Promise((resolve, reject) => {
    waiting.set(id, ({ ok, res }) => {
      if (ok) {
        if (success) success(res);
        if (complete) complete(res);
        resolve(res);
      } else {
        if (fail) fail(res);
        if (complete) complete(res);
        reject(res);
      }
    });
  });
  send({ t: 'api', name, args, cb: id });
  if (success || fail || complete) {
    promise.catch(() => {});
    return undefined;
  }
  return promise;
}

export const wx = {
  /** @param {any} options */
  showToast: (options) => callHost('showToast', options),
  /** @param {any} options */
  navigateTo: (options) => callHost('navigateTo', options),
  /** @param {any} options */
  navigateBack: (options) => callHost('navigateBack', options),
  /** @param {any} options */
  setNavigationBarTitle: (options) => callHost('setNavigationBarTitle', options),
};
