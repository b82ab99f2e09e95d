// @ts-check
/**
 * Location: the browser's geolocation, only after the user allows scope.userLocation (or
 * scope.userFuzzyLocation) in the host's consent dialog; the decision is remembered (consent.js).
 */
import { requireScope } from './consent.js';
import { el, overlay } from './ui.js';

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

export const location = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getLocation(mp, args) {
    await requireScope(mp, 'scope.userLocation');
    const { coords } = await position(args);
    return { latitude: coords.latitude, longitude: coords.longitude, speed: coords.speed ?? -1, accuracy: coords.accuracy, altitude: coords.altitude ?? 0, verticalAccuracy: coords.altitudeAccuracy ?? 0, horizontalAccuracy: coords.accuracy };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getFuzzyLocation(mp, args) {
    await requireScope(mp, 'scope.userFuzzyLocation');
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
