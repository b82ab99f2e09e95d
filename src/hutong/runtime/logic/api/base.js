// @ts-check
/** Base: system information, canIUse, the update manager, base64, env. */
import { on } from '../bridge.js';
import { answer, listeners } from './shape.js';

/** What the host measured at launch (host/api/base.js `systemInfo`). */
export const system = { info: /** @type {Record<string, any>} */ ({}), menuButton: /** @type {Record<string, number>} */ ({}) };

/** @param {Record<string, any>} info */
export function setSystemInfo(info) {
  const { menuButton, ...rest } = info;
  system.info = rest;
  system.menuButton = menuButton || {};
}

/** The window's size as the host last reported it (media query observers). */
export function windowSize() {
  return { width: Number(system.info.windowWidth) || 0, height: Number(system.info.windowHeight) || 0 };
}

const resized = listeners();
/** The runtime's own listeners for a new window size (the app's are `resized`, which offWindowResize clears). */
export const windowChanged = listeners();
on('window:resize', (message) => {
  setSystemInfo(message.info || {});
  windowChanged.emit();
  resized.emit({ size: { windowWidth: system.info.windowWidth, windowHeight: system.info.windowHeight } });
});

const WINDOW = ['pixelRatio', 'screenWidth', 'screenHeight', 'windowWidth', 'windowHeight', 'statusBarHeight', 'safeArea', 'screenTop'];
const DEVICE = ['brand', 'model', 'system', 'platform', 'benchmarkLevel', 'abi', 'deviceAbi', 'cpuType', 'memorySize'];
const APP_BASE = ['SDKVersion', 'enableDebug', 'host', 'language', 'version', 'theme', 'fontSizeSetting'];

/** @param {string[]} keys */
const pick = (keys) => Object.fromEntries(keys.filter((k) => k in system.info).map((k) => [k, system.info[k]]));

/** @param {string} b64 */
function base64ToArrayBuffer(b64) {
  const binary = atob(String(b64).replace(/[\r\n\s]/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** @param {ArrayBuffer | ArrayBufferView} buffer */
function arrayBufferToBase64(buffer) {
  const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function getUpdateManager() {
  // Every launch verifies and runs the newest release the platform gives this user: there is never
  // a newer version waiting, which is what WeChat reports when none is found.
  const checked = listeners();
  setTimeout(() => checked.emit({ hasUpdate: false }), 0);
  return {
    onCheckForUpdate: checked.on,
    onUpdateReady: (/** @type {Function} */ _fn) => {},
    onUpdateFailed: (/** @type {Function} */ _fn) => {},
    applyUpdate: () => {},
  };
}

export const base = {
  getSystemInfoSync: () => ({ ...system.info }),
  /** @param {any} options */
  getSystemInfo: (options) => answer('getSystemInfo', options, () => ({ ...system.info })),
  /** @param {any} options */
  getSystemInfoAsync: (options) => answer('getSystemInfoAsync', options, () => ({ ...system.info })),
  getWindowInfo: () => pick(WINDOW),
  getDeviceInfo: () => pick(DEVICE),
  getAppBaseInfo: () => pick(APP_BASE),
  getSystemSetting: () => ({ bluetoothEnabled: false, locationEnabled: 'geolocation' in navigator, wifiEnabled: false, deviceOrientation: 'portrait' }),
  getAppAuthorizeSetting: () => ({ albumAuthorized: 'not determined', cameraAuthorized: 'not determined', locationAuthorized: 'not determined', microphoneAuthorized: 'not determined', notificationAuthorized: 'not determined', clipboardAuthorized: 'not determined' }),
  getAccountInfoSync: () => ({ miniProgram: { appId: system.info.appId || '', envVersion: 'release', version: system.info.appVersion || '' }, plugin: {} }),
  getUpdateManager,
  getMenuButtonBoundingClientRect: () => ({ ...system.menuButton }),
  onWindowResize: resized.on,
  offWindowResize: resized.off,
  env: { USER_DATA_PATH: 'wxfile://usr' },
  arrayBufferToBase64,
  base64ToArrayBuffer,
};
