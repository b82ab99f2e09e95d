// @ts-check
/**
 * Identity in the logic thread: `<button open-type="getPhoneNumber">` (the host draws the sheet and
 * answers `{errMsg, code}`), and the `hutong` global with Hutong's own additions to `wx`:
 * `hutong.getLaunchData()` gives signed launch data for the app's back end (docs/identity.md).
 */
import { setOpenTypeHandler } from './builtins.js';
import { callHost } from './call.js';

// WeChat reports success and refusal alike through the button's event, never as an exception.
setOpenTypeHandler('getPhoneNumber', () => /** @type {Promise<any>} */ (callHost('getPhoneNumber', {})).then((res) => res, (res) => res));

export const hutong = Object.freeze({
  /** @param {Record<string, any>} [options] */
  getLaunchData: (options) => callHost('hutong.getLaunchData', options || {}),
});
