// @ts-check
/**
 * The app config (compiler/appconfig.py runtime_config) the host hands the logic thread at `init`,
 * for the modules that read a page's settings from it (the initial rendering cache, passive events).
 */

/** @type {Record<string, any>} */
let current = {};

/** @param {Record<string, any>} config */
export function setAppConfig(config) {
  current = config;
}

export function appConfig() {
  return current;
}
