// @ts-check
/**
 * Motion sensors, from the browser's own events on the host page: the accelerometer and gyroscope
 * from `devicemotion`, the compass from `deviceorientationabsolute` (or an absolute
 * `deviceorientation`), device orientation from `deviceorientation`. A start listens, at WeChat's
 * rates (game 20 ms, ui 60 ms, normal 200 ms), while the app is on screen; a stop, or the app's
 * closing, stops listening. A device without the sensor sends no events, so none are heard; iOS's
 * permission prompt (DeviceMotionEvent.requestPermission) is not asked.
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const RATES = /** @type {Record<string, number>} */ ({ game: 20, ui: 60, normal: 200 });
const G = 9.80665;
const RAD = Math.PI / 180;

/** @type {Record<string, {event: () => string, read: (event: any) => Record<string, any> | null}>} */
const SENSORS = {
  accelerometer: {
    event: () => 'devicemotion',
    read: (event) => {
      const a = event.accelerationIncludingGravity;
      if (!a || a.x === null) return null;
      return { x: (a.x || 0) / G, y: (a.y || 0) / G, z: (a.z || 0) / G };
    },
  },
  gyroscope: {
    event: () => 'devicemotion',
    read: (event) => {
      const r = event.rotationRate;
      if (!r || r.alpha === null) return null;
      return { x: (r.beta || 0) * RAD, y: (r.gamma || 0) * RAD, z: (r.alpha || 0) * RAD };
    },
  },
  compass: {
    event: () => ('ondeviceorientationabsolute' in window ? 'deviceorientationabsolute' : 'deviceorientation'),
    read: (event) => {
      if (event.alpha === null || (event.type === 'deviceorientation' && !event.absolute && event.webkitCompassHeading === undefined)) return null;
      const heading = typeof event.webkitCompassHeading === 'number' ? event.webkitCompassHeading : (360 - event.alpha) % 360;
      const accuracy = typeof event.webkitCompassAccuracy === 'number' ? event.webkitCompassAccuracy : 'unknow';
      return { direction: heading, accuracy };
    },
  },
  deviceMotion: {
    event: () => 'deviceorientation',
    read: (event) => (event.alpha === null ? null : { alpha: event.alpha, beta: event.beta, gamma: event.gamma }),
  },
};

/** @type {WeakMap<MiniProgram, Map<string, () => void>>} */
const listening = new WeakMap();

/** @param {MiniProgram} mp */
function stopsOf(mp) {
  let stops = listening.get(mp);
  if (!stops) {
    const map = new Map();
    stops = map;
    listening.set(mp, map);
    mp.whenClosed(() => {
      for (const stop of map.values()) stop();
      map.clear();
    });
  }
  return stops;
}

export const sensors = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongSensorStart(mp, args) {
    const kind = String(args.kind);
    const sensor = SENSORS[kind];
    if (!sensor) throw new Error(`unknown sensor ${kind}`);
    const stops = stopsOf(mp);
    stops.get(kind)?.();
    const every = RATES[String(args.interval || 'normal')] ?? RATES.normal;
    let last = -Infinity;
    const type = sensor.event();
    /** @param {Event} event */
    const listener = (event) => {
      if (!mp.foreground || event.timeStamp - last < every) return;
      const res = sensor.read(event);
      if (!res) return;
      last = event.timeStamp;
      mp.toLogic({ t: 'sensor', kind, res });
    };
    window.addEventListener(type, listener);
    stops.set(kind, () => window.removeEventListener(type, listener));
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongSensorStop(mp, args) {
    const stops = stopsOf(mp);
    const kind = String(args.kind);
    stops.get(kind)?.();
    stops.delete(kind);
    return {};
  },
};
