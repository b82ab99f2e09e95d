// @ts-check
/** Device: clipboard, phone calls, scanning, vibration, network state, wake lock, brightness, battery. */
import { requireScope } from './consent.js';
import { ask, el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @type {WeakMap<MiniProgram, any>} */
const wakeLocks = new WeakMap();

/** wx.getNetworkType's networkType, as the browser tells it (also sent with the launch). */
export function networkType() {
  const connection = /** @type {any} */ (navigator).connection;
  if (!navigator.onLine) return 'none';
  if (!connection) return 'unknown';
  if (connection.type === 'wifi' || connection.type === 'ethernet') return 'wifi';
  const effective = String(connection.effectiveType || '');
  return ['2g', '3g', '4g', '5g'].includes(effective) ? effective : 'unknown';
}

/** Tell the logic thread when the browser's connectivity changes. @param {MiniProgram} mp */
export function watchNetwork(mp) {
  const connection = /** @type {any} */ (navigator).connection;
  // A weak network (wx.onNetworkWeakChange) is what the browser estimates as 2G or slower.
  const weak = () => !navigator.onLine || ['slow-2g', '2g'].includes(String(connection?.effectiveType || ''));
  let wasWeak = weak();
  const report = () => {
    mp.worker?.postMessage({ t: 'network:change', res: { isConnected: navigator.onLine, networkType: networkType() } });
    const now = weak();
    if (now !== wasWeak) {
      wasWeak = now;
      mp.worker?.postMessage({ t: 'network:weak', res: { weakNet: now, networkType: networkType() } });
    }
  };
  window.addEventListener('online', report);
  window.addEventListener('offline', report);
  connection?.addEventListener?.('change', report);
  return () => {
    window.removeEventListener('online', report);
    window.removeEventListener('offline', report);
    connection?.removeEventListener?.('change', report);
  };
}

/**
 * The battery at launch (for getBatteryInfoSync), and a watch that tells the logic thread each change
 * (onBatteryInfoChange). Null where the browser has no Battery Status API.
 * @param {MiniProgram} mp @returns {Promise<{info: {level: number, isCharging: boolean} | null, stop: () => void}>}
 */
export async function watchBattery(mp) {
  const getBattery = /** @type {any} */ (navigator).getBattery;
  if (!getBattery) return { info: null, stop: () => {} };
  const battery = await getBattery.call(navigator).catch(() => null);
  if (!battery) return { info: null, stop: () => {} };
  const read = () => ({ level: Math.round(battery.level * 100), isCharging: Boolean(battery.charging) });
  const report = () => mp.toLogic({ t: 'battery', res: read() });
  battery.addEventListener('levelchange', report);
  battery.addEventListener('chargingchange', report);
  return {
    info: read(),
    stop: () => {
      battery.removeEventListener('levelchange', report);
      battery.removeEventListener('chargingchange', report);
    },
  };
}

/**
 * The first code in a picture: the browser's BarcodeDetector where there is one, otherwise (or when
 * it finds none and `platform` is true) the platform's reader (POST /api/codes/read, QR codes only),
 * as the shell's own scanner does. `<camera mode="scanCode">` (camera.js) reads its frames with it too.
 * @param {Blob | ImageBitmapSource} picture @param {{platform?: boolean}} [options]
 * @returns {Promise<{rawValue: string, format: string}>}
 */
export async function detectCode(picture, { platform = true } = {}) {
  const Detector = /** @type {any} */ (globalThis).BarcodeDetector;
  if (Detector) {
    try {
      const codes = await new Detector().detect(picture instanceof Blob ? await createImageBitmap(picture) : picture);
      if (codes.length) return codes[0];
    } catch {
      // The platform reads more kinds of picture.
    }
    if (!platform) throw new Error('no code found');
  }
  if (!(picture instanceof Blob)) throw new Error('no code found');
  const form = new FormData();
  form.append('image', picture, 'scan.png');
  const response = await fetch('/api/codes/read', { method: 'POST', body: form, credentials: 'same-origin' });
  if (!response.ok) throw new Error(response.status === 429 ? 'rate limited' : 'no code found');
  const found = await response.json();
  if (!found.length) throw new Error('no code found');
  return { rawValue: String(found[0].text), format: 'qr_code' };
}

/** WeChat's description of a read code (wx.scanCode's result, `<camera>`'s scancode detail). @param {{rawValue: string, format: string}} code */
export function codeResult(code) {
  const format = String(code.format || '').toUpperCase();
  return { result: code.rawValue, type: format, charSet: 'utf-8', rawData: btoa(unescape(encodeURIComponent(code.rawValue))) };
}

export const device = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async setClipboardData(mp, args) {
    await navigator.clipboard.writeText(String(args.data ?? ''));
    const { interaction } = await import('./interaction.js');
    interaction.showToast(mp, { title: '内容已复制', icon: 'none' });
    return {};
  },
  /** Reading what the user copied elsewhere is asked once (scope.clipboard, remembered). @param {MiniProgram} mp */
  async getClipboardData(mp) {
    await requireScope(mp, 'scope.clipboard');
    return { data: await navigator.clipboard.readText() };
  },
  /** Only after the user confirms, with the number shown by the host. @param {MiniProgram} mp @param {Record<string, any>} args */
  async makePhoneCall(mp, args) {
    const number = String(args.phoneNumber ?? '').trim();
    if (!/^[0-9+\-*#() ]{1,32}$/.test(number)) throw new Error('parameter error: parameter.phoneNumber is invalid');
    const pressed = await ask(mp, { title: number, content: '', buttons: [{ label: '取消', value: 'cancel' }, { label: '呼叫', value: 'confirm' }], className: 'hutong-phone' });
    if (pressed !== 'confirm') throw new Error('cancel');
    el('a', { href: `tel:${number.replace(/[^0-9+*#]/g, '')}` }).click();
    return {};
  },
  /** From a chosen image (the browser's file chooser may offer the camera). @param {MiniProgram} mp @param {Record<string, any>} args */
  async scanCode(mp, args) {
    const { media } = await import('./media.js');
    const picked = await media.chooseImage(mp, { count: 1, sourceType: args.onlyFromCamera ? ['camera'] : undefined });
    const { type, ...read } = codeResult(await detectCode(new Blob([picked.tempFiles[0].bytes])));
    return { ...read, scanType: type, path: '' };
  },
  vibrateShort: () => {
    navigator.vibrate?.(15);
    return {};
  },
  vibrateLong: () => {
    navigator.vibrate?.(400);
    return {};
  },
  getNetworkType: () => ({ networkType: networkType(), signalStrength: 0, hasSystemProxy: false }),
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async setKeepScreenOn(mp, args) {
    const wakeLock = /** @type {any} */ (navigator).wakeLock;
    if (!wakeLock) throw new Error('not supported by this browser');
    if (args.keepScreenOn) {
      if (!wakeLocks.get(mp)) wakeLocks.set(mp, await wakeLock.request('screen'));
    } else {
      await wakeLocks.get(mp)?.release();
      wakeLocks.delete(mp);
    }
    return {};
  },
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  setScreenBrightness(_mp, args) {
    const value = Number(args.value);
    if (!(value >= 0 && value <= 1)) throw new Error('parameter error: value should be between 0 and 1');
    return {};
  },
  getScreenBrightness: () => ({ value: 1 }),
  async getBatteryInfo() {
    const getBattery = /** @type {any} */ (navigator).getBattery;
    if (!getBattery) throw new Error('not supported by this browser');
    const battery = await getBattery.call(navigator);
    return { level: Math.round(battery.level * 100), isCharging: battery.charging };
  },
};
