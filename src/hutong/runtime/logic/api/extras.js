// @ts-check
/**
 * Smaller base, media and open APIs a browser can answer honestly: idle callbacks, the renderer's
 * user agent, Skyline (not here: a web renderer), the API category (always "default": Hutong has no
 * embedded or chat-tool modes), the privacy guide (no pop-up of WeChat's own: nothing needs
 * authorizing), the device benchmark, picture-in-picture (never active), and audio options and
 * sources. Listeners for what a browser is never told (audio interruptions) exist and never fire.
 */
import { system } from './base.js';
import { addTempFile, dropTempFile } from './file.js';
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

/** The kind of file the bytes are, by their first bytes: the extension names the URL's media type. @param {Uint8Array} b */
function extensionOf(b) {
  const at = (/** @type {number} */ i, /** @type {string} */ text) => [...text].every((c, k) => b[i + k] === c.charCodeAt(0));
  if (b[0] === 0x89 && at(1, 'PNG')) return '.png';
  if (b[0] === 0xff && b[1] === 0xd8) return '.jpg';
  if (at(0, 'GIF8')) return '.gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return '.webp';
  if (at(0, 'RIFF') && at(8, 'WAVE')) return '.wav';
  if (at(0, 'ID3') || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return '.mp3';
  if (at(4, 'ftyp')) return '.mp4';
  return '';
}

let nextBuffer = 1;

/**
 * A URL for bytes the app holds: a temporary file of the app's, which image, audio and video show like
 * any chosen file (they reach the frame as data: URLs).
 * @param {ArrayBuffer | ArrayBufferView} buffer
 */
function createBufferURL(buffer) {
  const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
  const path = `wxfile://tmp_buffer_${nextBuffer++}_${Math.random().toString(36).slice(2, 8)}${extensionOf(bytes)}`;
  addTempFile(path, bytes.slice().buffer);
  return path;
}

const SKYLINE = { isSupported: false, version: '', reason: 'Hutong renders every page with the web engine (WebView); Skyline is not available' };
const categoryChanged = listeners();
const interruptionBegin = listeners();
const interruptionEnd = listeners();
const needPrivacy = listeners();

export const extras = {
  createBufferURL,
  /** @param {string} url */
  revokeBufferURL: (url) => dropTempFile(url),
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
  createBufferURL: 'the URL is a temporary file path of the app\'s (wxfile://tmp_…), which image, audio and video show and the file system reads; its type is known for PNG, JPEG, GIF, WebP, WAV, MP3 and MP4 bytes',
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
