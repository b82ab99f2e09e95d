// @ts-check
/** Location: the browser's geolocation, after a consent prompt the host draws. */
import { callHost } from '../call.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

export const location = {
  getLocation: host('getLocation'),
  getFuzzyLocation: host('getFuzzyLocation'),
  openLocation: host('openLocation'),
  chooseLocation: host('chooseLocation'),
};
