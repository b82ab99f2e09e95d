// @ts-check
/**
 * Location: the browser's geolocation, only after the user allows it in a prompt the host draws
 * (asked once per run; the full scope system, scope.userLocation, is a later issue).
 */
import { ask, el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @type {WeakMap<MiniProgram, boolean>} */
const allowed = new WeakMap();

/** @param {MiniProgram} mp */
async function consent(mp) {
  if (allowed.get(mp)) return;
  const name = /** @type {any} */ (mp).appName || mp.appid;
  const pressed = await ask(mp, { title: '获取你的位置信息', content: `“${name}” wants to use your location`, buttons: [{ label: '拒绝', value: 'cancel' }, { label: '允许', value: 'confirm' }], className: 'hutong-consent' });
  if (pressed !== 'confirm') throw new Error('auth deny');
  allowed.set(mp, true);
}

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

export const location = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getLocation(mp, args) {
    await consent(mp);
    const { coords } = await position(args);
    return { latitude: coords.latitude, longitude: coords.longitude, speed: coords.speed ?? -1, accuracy: coords.accuracy, altitude: coords.altitude ?? 0, verticalAccuracy: coords.altitudeAccuracy ?? 0, horizontalAccuracy: coords.accuracy };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getFuzzyLocation(mp, args) {
    await consent(mp);
    const { coords } = await position(args);
    return { latitude: Math.round(coords.latitude * 100) / 100, longitude: Math.round(coords.longitude * 100) / 100 };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  openLocation(mp, args) {
    const latitude = Number(args.latitude);
    const longitude = Number(args.longitude);
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) throw new Error('parameter error: latitude/longitude out of range');
    const layer = overlay(mp, 'hutong-dialog-layer hutong-location');
    const close = el('button', { type: 'button', className: 'hutong-dialog-button', onclick: () => layer.remove() }, ['关闭']);
    layer.appendChild(
      el('div', { className: 'hutong-dialog', role: 'dialog' }, [
        el('div', { className: 'hutong-dialog-title' }, [String(args.name || '位置')]),
        el('div', { className: 'hutong-dialog-content' }, [
          `${args.address ? `${args.address}\n` : ''}${latitude.toFixed(6)}, ${longitude.toFixed(6)}\n(maps are not supported yet)`,
        ]),
        el('div', { className: 'hutong-dialog-buttons' }, [close]),
      ]),
    );
    return {};
  },
};
