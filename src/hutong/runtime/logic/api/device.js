// @ts-check
/** Device: clipboard, phone calls, scanning, vibration, network state, screen. */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { listeners } from './shape.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

const networkChange = listeners();
on('network:change', (message) => networkChange.emit(message.res));

export const device = {
  setClipboardData: host('setClipboardData'),
  getClipboardData: host('getClipboardData'),
  makePhoneCall: host('makePhoneCall'),
  scanCode: host('scanCode'),
  vibrateShort: host('vibrateShort'),
  vibrateLong: host('vibrateLong'),
  getNetworkType: host('getNetworkType'),
  onNetworkStatusChange: networkChange.on,
  offNetworkStatusChange: networkChange.off,
  setKeepScreenOn: host('setKeepScreenOn'),
  setScreenBrightness: host('setScreenBrightness'),
  getScreenBrightness: host('getScreenBrightness'),
  getBatteryInfo: host('getBatteryInfo'),
};
