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
