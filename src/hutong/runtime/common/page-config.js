// @ts-check
/** Page settings the host and the logic thread both read from the app config (compiler/appconfig.py). */

/**
 * The page's `initialRenderingCache`: 'static', 'dynamic', or '' when it asks for none.
 * @param {Record<string, any>} config the app config @param {string} route
 */
export function renderingCacheMode(config, route) {
  const mode = config?.pageConfigs?.[route]?.window?.initialRenderingCache;
  return mode === 'static' || mode === 'dynamic' ? mode : '';
}

/** The touch and wheel events WeChat can listen to passively. */
export const PASSIVE_EVENTS = /** @type {const} */ (['touchstart', 'touchmove', 'wheel']);

/**
 * Which events listen passively, from a setting in WeChat's form: a boolean for all three, or an
 * object of booleans (those it leaves out keep `base`'s).
 * @param {any} setting @param {Record<string, boolean>} [base]
 * @returns {Record<string, boolean>}
 */
export function passiveEvents(setting, base = {}) {
  /** @type {Record<string, boolean>} */
  const result = {};
  for (const name of PASSIVE_EVENTS) {
    if (typeof setting === 'boolean') result[name] = setting;
    else if (setting && typeof setting === 'object' && name in setting) result[name] = Boolean(setting[name]);
    else result[name] = Boolean(base[name]);
  }
  return result;
}

/**
 * The page's `enablePassiveEvent` (its json, else app.json's): which events listen passively.
 * @param {Record<string, any>} config the app config @param {string} route
 */
export function pagePassiveEvents(config, route) {
  const own = config?.pageConfigs?.[route]?.window?.enablePassiveEvent;
  return passiveEvents(own !== undefined ? own : config?.app?.enablePassiveEvent);
}
