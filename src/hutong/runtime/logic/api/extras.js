// @ts-check
/**
 * Smaller base, media and open APIs a browser can answer honestly: idle callbacks, the renderer's
 * user agent, Skyline (not here: a web renderer), the API category (always "default": Hutong has no
 * embedded or chat-tool modes), the privacy guide (no pop-up of WeChat's own: nothing needs
 * authorizing), the device benchmark, picture-in-picture (never active), and audio options and
 * sources. Listeners for what a browser is never told (audio interruptions) exist and never fire.
 */
import { system } from './base.js';
import { answer, listeners } from './shape.js';

/** The budget an idle callback is told it has (WeChat and browsers use 50 ms). */
const IDLE_BUDGET_MS = 50;
let nextIdle = 1;
/** @type {Map<number, ReturnType<typeof setTimeout>>} */
const idle = new Map();

/**
 * The logic thread has no idle period of its own to watch: the callback runs on a later task, told how
 * much of a 50 ms budget is left.
 * @param {Function} callback @param {{timeout?: number}} [_options]
 */
function requestIdleCallback(callback, _options) {
  const id = nextIdle++;
  idle.set(
    id,
    setTimeout(() => {
      idle.delete(id);
      const start = performance.now();
      if (typeof callback === 'function') callback({ didTimeout: false, timeRemaining: () => Math.max(0, IDLE_BUDGET_MS - (performance.now() - start)) });
    }, 1),
  );
  return id;
}

/** @param {number} id */
function cancelIdleCallback(id) {
  clearTimeout(idle.get(id));
  idle.delete(id);
}

const SKYLINE = { isSupported: false, version: '', reason: 'Hutong renders every page with the web engine (WebView); Skyline is not available' };
const categoryChanged = listeners();
const interruptionBegin = listeners();
const interruptionEnd = listeners();
const needPrivacy = listeners();

export const extras = {
  requestIdleCallback,
  cancelIdleCallback,
  /** @param {any} options */
  getRendererUserAgent: (options) => answer('getRendererUserAgent', options, () => ({ userAgent: String(navigator.userAgent) })),
  /** @param {any} options */
  getSkylineInfo: (options) => answer('getSkylineInfo', options, () => ({ ...SKYLINE })),
  getSkylineInfoSync: () => ({ ...SKYLINE }),
  getApiCategory: () => ({ apiCategory: 'default' }),
  onApiCategoryChange: categoryChanged.on,
  offApiCategoryChange: categoryChanged.off,
  onAudioInterruptionBegin: interruptionBegin.on,
  offAudioInterruptionBegin: interruptionBegin.off,
  onAudioInterruptionEnd: interruptionEnd.on,
  offAudioInterruptionEnd: interruptionEnd.off,
  /** @param {any} options */
  getPrivacySetting: (options) => answer('getPrivacySetting', options, () => ({ needAuthorization: false, privacyContractName: '' })),
  /** @param {any} options */
  requirePrivacyAuthorize: (options) => answer('requirePrivacyAuthorize', options, () => ({})),
  onNeedPrivacyAuthorization: needPrivacy.on,
  /** @param {any} options */
  getDeviceBenchmarkInfo: (options) =>
    answer('getDeviceBenchmarkInfo', options, () => ({ benchmarkLevel: Number(system.info.benchmarkLevel ?? -1), modelLevel: 0 })),
  checkIsPictureInPictureActive: () => false,
  /** @param {any} options */
  setInnerAudioOption: (options) => answer('setInnerAudioOption', options, () => ({})),
  /** @param {any} options */
  getAvailableAudioSources: (options) => answer('getAvailableAudioSources', options, () => ({ audioSources: ['auto'] })),
};

/** What each lacks, for canIUse and docs/compatibility.md. */
export const extrasPartial = {
  requestIdleCallback: 'the logic thread has no idle period to watch: the callback runs on a later task with a 50 ms budget; timeout is not needed',
  getApiCategory: 'always "default": Hutong has no embedded, half-screen or chat-tool modes (onApiCategoryChange never fires)',
  onAudioInterruptionBegin: 'never called: a browser page is not told when the system takes the audio',
  onAudioInterruptionEnd: 'never called: a browser page is not told when the system takes the audio',
  getPrivacySetting: 'Hutong shows no privacy-guide pop-up of WeChat\'s own: needAuthorization is always false, privacyContractName empty',
  requirePrivacyAuthorize: 'succeeds at once: nothing needs the privacy guide\'s authorization here',
  onNeedPrivacyAuthorization: 'never called: nothing needs the privacy guide\'s authorization here',
  getDeviceBenchmarkInfo: 'benchmarkLevel as getSystemInfo gives it; modelLevel 0 (unknown: a browser does not name the device model)',
  checkIsPictureInPictureActive: 'always false: video picture-in-picture is not offered',
  setInnerAudioOption: 'accepted without effect: a browser cannot change mixWithOther, obeyMuteSwitch or speakerOn',
  getAvailableAudioSources: 'always ["auto"]: a browser chooses the microphone itself',
};
