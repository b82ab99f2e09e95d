// @ts-check
/**
 * Accelerometer, compass, gyroscope and device orientation (WeChat's "deviceMotion"): start/stop ask
 * the host to listen to the browser's sensor events (host/api/sensors.js); on/off keep the app's
 * listeners, which hear each reading the host sends.
 */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { listeners } from './shape.js';

const kinds = /** @type {const} */ (['accelerometer', 'compass', 'gyroscope', 'deviceMotion']);
const events = Object.fromEntries(kinds.map((kind) => [kind, listeners()]));
on('sensor', (message) => events[message.kind]?.emit(message.res));

/** @param {string} api @param {string} kind @param {'start' | 'stop'} action */
const control = (api, kind, action) => (/** @type {any} */ options) => {
  const { success, fail, complete, interval } = options || {};
  /** @param {any} res */
  const rename = (res) => ({ ...res, errMsg: String(res?.errMsg || '').replace(/^hutongSensor\w+/, api) });
  const run = /** @type {Promise<any>} */ (callHost(action === 'start' ? 'hutongSensorStart' : 'hutongSensorStop', { kind, interval })).then(rename, (res) => Promise.reject(rename(res)));
  if (success || fail || complete) {
    run.then(
      (res) => {
        if (typeof success === 'function') success(res);
        if (typeof complete === 'function') complete(res);
      },
      (res) => {
        if (typeof fail === 'function') fail(res);
        if (typeof complete === 'function') complete(res);
      },
    );
    return undefined;
  }
  return run;
};

export const sensors = {
  startAccelerometer: control('startAccelerometer', 'accelerometer', 'start'),
  stopAccelerometer: control('stopAccelerometer', 'accelerometer', 'stop'),
  onAccelerometerChange: events.accelerometer.on,
  offAccelerometerChange: events.accelerometer.off,
  startCompass: control('startCompass', 'compass', 'start'),
  stopCompass: control('stopCompass', 'compass', 'stop'),
  onCompassChange: events.compass.on,
  offCompassChange: events.compass.off,
  startGyroscope: control('startGyroscope', 'gyroscope', 'start'),
  stopGyroscope: control('stopGyroscope', 'gyroscope', 'stop'),
  onGyroscopeChange: events.gyroscope.on,
  offGyroscopeChange: events.gyroscope.off,
  startDeviceMotionListening: control('startDeviceMotionListening', 'deviceMotion', 'start'),
  stopDeviceMotionListening: control('stopDeviceMotionListening', 'deviceMotion', 'stop'),
  onDeviceMotionChange: events.deviceMotion.on,
  offDeviceMotionChange: events.deviceMotion.off,
};
