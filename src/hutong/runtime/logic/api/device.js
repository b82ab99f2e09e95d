// @ts-check
/** Device: clipboard, phone calls, scanning, vibration, network state, screen. */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { listeners, sync } from './shape.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

const networkChange = listeners();
const batteryChange = listeners();
/** @type {{level: number, isCharging: boolean} | null} the battery as the host last told it */
let battery = null;
on('battery', (message) => {
  battery = message.res;
  batteryChange.emit({ ...message.res });
});

/** The battery at launch, from the host (host/api/index.js launchData). @param {any} info */
export function setBattery(info) {
  battery = info && typeof info === 'object' ? { level: Number(info.level), isCharging: Boolean(info.isCharging) } : null;
}
on('network:change', (message) => networkChange.emit(message.res));
const networkWeak = listeners();
on('network:weak', (message) => networkWeak.emit(message.res));

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
  onNetworkWeakChange: networkWeak.on,
  offNetworkWeakChange: networkWeak.off,
  setKeepScreenOn: host('setKeepScreenOn'),
  setScreenBrightness: host('setScreenBrightness'),
  getScreenBrightness: host('getScreenBrightness'),
  getBatteryInfo: host('getBatteryInfo'),
  getBatteryInfoSync: () =>
    sync('getBatteryInfoSync', () => {
      if (!battery) throw new Error('not supported by this browser');
      return { ...battery };
    }),
  onBatteryInfoChange: batteryChange.on,
  offBatteryInfoChange: batteryChange.off,
};
