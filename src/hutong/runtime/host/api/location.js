// @ts-check
/**
 * Location: the browser's geolocation, only after the user allows scope.userLocation (or
 * scope.userFuzzyLocation) in the host's consent dialog; the decision is remembered (consent.js).
 * openLocation and chooseLocation draw a map in the host page (map-sheet.js). startLocationUpdate
 * watches the position while the app is on screen (startLocationUpdateBackground, after
 * scope.userLocationBackground, while it is open at all) and sends each fix to onLocationChange.
 */
import { requireScope } from './consent.js';
import { choosePlace, showPlace } from './map-sheet.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {Record<string, any>} args @returns {Promise<GeolocationPosition>} */
function position(args) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('system permission denied'));
    navigator.geolocation.getCurrentPosition(resolve, (error) => reject(new Error(error.code === 1 ? 'system permission denied' : 'location unavailable')), {
      enableHighAccuracy: Boolean(args.isHighAccuracy),
      timeout: Number(args.highAccuracyExpireTime) || 10000,
    });
  });
}

/** WeChat's fields of a position. @param {GeolocationCoordinates} coords */
function fix(coords) {
  return { latitude: coords.latitude, longitude: coords.longitude, speed: coords.speed ?? -1, accuracy: coords.accuracy, altitude: coords.altitude ?? 0, verticalAccuracy: coords.altitudeAccuracy ?? 0, horizontalAccuracy: coords.accuracy };
}

/** @type {WeakMap<MiniProgram, number>} the position each app watches (its watch id) */
const watching = new WeakMap();

/** @param {MiniProgram} mp */
function stopWatching(mp) {
  const watch = watching.get(mp);
  if (watch === undefined) return;
  navigator.geolocation.clearWatch(watch);
  watching.delete(mp);
}

/**
 * Watch the position for the app: fixes go to its onLocationChange while it is on screen (or, in the
 * background kind, while it is open), failures to onLocationChangeError. A second start replaces the
 * first; closing the app stops it.
 * @param {MiniProgram} mp @param {boolean} background
 */
async function startWatching(mp, background) {
  await requireScope(mp, background ? 'scope.userLocationBackground' : 'scope.userLocation');
  if (!navigator.geolocation) throw new Error('system permission denied');
  mp.whenClosed(stopWatching);
  stopWatching(mp);
  const watch = navigator.geolocation.watchPosition(
    ({ coords }) => {
      if (mp.closed || (!background && !mp.foreground)) return;
      mp.toLogic({ t: 'location', res: fix(coords) });
    },
    (error) => {
      if (mp.closed) return;
      // WeChat documents no values for errCode: the browser's own (1 denied, 2 unavailable, 3 timeout).
      const reason = error.code === error.PERMISSION_DENIED ? 'system permission denied' : 'location unavailable';
      mp.toLogic({ t: 'locationError', res: { errCode: error.code, errMsg: `onLocationChange:fail ${reason}` } });
    },
    { enableHighAccuracy: true },
  );
  watching.set(mp, watch);
  return {};
}

export const location = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getLocation(mp, args) {
    await requireScope(mp, 'scope.userLocation');
    const { coords } = await position(args);
    return fix(coords);
  },
  /** @param {MiniProgram} mp */
  startLocationUpdate: (mp) => startWatching(mp, false),
  /** @param {MiniProgram} mp */
  startLocationUpdateBackground: (mp) => startWatching(mp, true),
  /** @param {MiniProgram} mp */
  stopLocationUpdate(mp) {
    stopWatching(mp);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getFuzzyLocation(mp, args) {
    await requireScope(mp, 'scope.userFuzzyLocation');
    const { coords } = await position(args);
    return { latitude: Math.round(coords.latitude * 100) / 100, longitude: Math.round(coords.longitude * 100) / 100 };
  },
  /** A place on a map (map-sheet.js). @param {MiniProgram} mp @param {Record<string, any>} args */
  async openLocation(mp, args) {
    const latitude = Number(args.latitude);
    const longitude = Number(args.longitude);
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) throw new Error('parameter error: latitude/longitude out of range');
    await showPlace(mp, { latitude, longitude, scale: args.scale, name: args.name, address: args.address });
    return {};
  },
  /**
   * The user picks a place on a map (map-sheet.js); without latitude and longitude the map starts at
   * the user's position, which needs their consent (scope.userLocation) like getLocation.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async chooseLocation(mp, args) {
    return choosePlace(mp, args, async () => {
      await requireScope(mp, 'scope.userLocation');
      const { coords } = await position({});
      return { latitude: coords.latitude, longitude: coords.longitude };
    });
  },
};
