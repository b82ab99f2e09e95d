// @ts-check
/** Base: what the logic thread reports from getSystemInfoSync, measured here at launch. */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

function platformName() {
  const ua = navigator.userAgent;
  if (/iPhone|iPad|iPod/.test(ua)) return { platform: 'ios', system: 'iOS' };
  if (/Android/.test(ua)) return { platform: 'android', system: 'Android' };
  if (/Windows/.test(ua)) return { platform: 'windows', system: 'Windows' };
  if (/Mac OS X/.test(ua)) return { platform: 'mac', system: 'macOS' };
  return { platform: 'linux', system: 'Linux' };
}

/** @param {MiniProgram} mp */
export function systemInfo(mp) {
  const frames = /** @type {HTMLElement | undefined} */ (mp.chrome?.frames) || mp.surface;
  const screenWidth = Math.round(mp.surface.clientWidth || window.innerWidth);
  const screenHeight = Math.round(mp.surface.clientHeight || window.innerHeight);
  const { platform, system } = platformName();
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
  return {
    appId: mp.appid,
    brand: 'hutong',
    model: 'Hutong',
    pixelRatio: window.devicePixelRatio || 1,
    screenWidth,
    screenHeight,
    windowWidth: Math.round(frames.clientWidth || screenWidth),
    windowHeight: Math.round(frames.clientHeight || screenHeight),
    statusBarHeight: 0,
    screenTop: 0,
    safeArea: { left: 0, right: screenWidth, top: 0, bottom: screenHeight, width: screenWidth, height: screenHeight },
    language: navigator.language || 'zh_CN',
    version: '8.0.50',
    system,
    platform,
    fontSizeSetting: 16,
    SDKVersion: '3.4.0',
    benchmarkLevel: 1,
    enableDebug: false,
    theme: dark ? 'dark' : 'light',
    host: { env: 'hutong' },
    deviceOrientation: 'portrait',
    menuButton: menuButton(mp, screenWidth),
  };
}

/** Where the host draws the capsule (WeChat's menu button), in the app's window coordinates. @param {MiniProgram} mp @param {number} screenWidth */
function menuButton(mp, screenWidth) {
  const capsule = mp.surface.closest('.running')?.querySelector('.capsule') || document.querySelector('.capsule');
  const surface = mp.surface.getBoundingClientRect();
  const rect = capsule?.getBoundingClientRect();
  if (!rect || !rect.width) return { width: 87, height: 32, top: 6, bottom: 38, left: screenWidth - 94, right: screenWidth - 7 };
  const left = Math.round(rect.left - surface.left);
  const top = Math.round(rect.top - surface.top);
  return { width: Math.round(rect.width), height: Math.round(rect.height), top, bottom: top + Math.round(rect.height), left, right: left + Math.round(rect.width) };
}

/** Tell the logic thread when the window changes size (wx.onWindowResize). @param {MiniProgram} mp */
export function watchWindow(mp) {
  const report = () => {
    const info = systemInfo(mp);
    mp.worker?.postMessage({ t: 'window:resize', info });
  };
  window.addEventListener('resize', report);
  return () => window.removeEventListener('resize', report);
}
