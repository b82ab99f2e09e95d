// @ts-check
/**
 * Location: the browser's geolocation, after a consent prompt the host draws. The host watches the
 * position after startLocationUpdate and sends each fix, which onLocationChange's listeners hear.
 */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { listeners } from './shape.js';

const changes = listeners();
const errors = listeners();
on('location', (message) => changes.emit(message.res));
on('locationError', (message) => errors.emit(message.res));

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

export const location = {
  getLocation: host('getLocation'),
  getFuzzyLocation: host('getFuzzyLocation'),
  openLocation: host('openLocation'),
  chooseLocation: host('chooseLocation'),
  startLocationUpdate: host('startLocationUpdate'),
  startLocationUpdateBackground: host('startLocationUpdateBackground'),
  stopLocationUpdate: host('stopLocationUpdate'),
  onLocationChange: changes.on,
  offLocationChange: changes.off,
  onLocationChangeError: errors.on,
  offLocationChangeError: errors.off,
};
