// @ts-check
/**
 * The wx API families, one module each as WeChat's documentation files them. wx.js adds them all to
 * `wx`; `status` says, for canIUse and docs/compatibility.md, which are partial and what they lack.
 */
import { on } from '../bridge.js';
import { createAnimation } from './animation.js';
import { ads } from './ads.js';
import { extras, extrasPartial } from './extras.js';
import { routeEvents } from './route-events.js';
import { audio } from './audio.js';
import { background, deviceEvents } from './background.js';
import { base, setSystemInfo } from './base.js';
import { camera } from './camera.js';
import { cloud } from './cloud.js';
import { consent } from './consent.js';
import { device, setBattery } from './device.js';
import { file, preloadFiles } from './file.js';
import { interaction } from './interaction.js';
import { location } from './location.js';
import { forwardConsole, log } from './log.js';
import { login } from './login.js';
import { media } from './media.js';
import { recorder } from './recorder.js';
import { network } from './network.js';
import { notYet, open } from './open.js';
import { sensors } from './sensors.js';
import { share } from './share.js';
import { preloadStorage, storage } from './storage.js';
import { worker } from './worker.js';

/** Every family's APIs, by family (the order of WeChat's documentation). */
export const families = {
  base: { ...base, ...ads, ...extras, ...routeEvents },
  interaction: { ...interaction, createAnimation },
  network,
  storage: { ...storage, ...background },
  media: { ...media, ...audio, ...camera, ...recorder },
  file,
  location,
  device: { ...device, ...deviceEvents, ...sensors },
  share,
  log,
  open: { ...open, ...login, ...consent },
  cloud,
  worker,
};

/** @type {Record<string, any>} */
export const apis = Object.assign({}, ...Object.values(families));

/**
 * What is partial, and what it lacks. Anything in `wx` not named here is supported; anything not in
 * `wx` is unsupported (canIUse answers false; a call fails "not supported" and is reported).
 * @type {Record<string, string>}
 */
export const partial = {
  getUpdateManager: 'every launch already runs the newest release: onCheckForUpdate always reports hasUpdate false',
  getSystemInfoSync: 'measured once at launch; brand/model are "hutong"; statusBarHeight is 0',
  request: 'a server without CORS is reached only through the egress proxy (its origin on the app\'s proxy list); enableHttp2/enableQuic/enableCache ignored; cookies not exposed; onChunkReceived never fires',
  downloadFile: 'a server without CORS is reached only through the egress proxy (its origin on the app\'s proxy list)',
  connectSocket: 'no custom headers (browsers cannot send them)',
  uploadFile: 'progress is reported at start and end only; a server without CORS is reached only through the egress proxy (its origin on the app\'s proxy list)',
  getFileInfo: 'no digest (md5/sha1)',
  chooseImage: 'no camera capture beyond what the browser offers; sizeType is ignored',
  chooseMedia: 'video duration and thumbnails are not reported',
  previewImage: 'no zoom or long-press menu',
  saveImageToPhotosAlbum: 'saves as a browser download',
  saveVideoToPhotosAlbum: 'saves as a browser download',
  onNetworkWeakChange: 'the browser\'s estimate (Network Information API effectiveType slow-2g or 2g, or offline) where it has one; never fires elsewhere',
  createInnerAudioContext: 'obeyMuteSwitch is ignored (a browser cannot see the mute switch)',
  createWebAudioContext: 'played by the host page\'s AudioContext: an AnalyserNode\'s get…Data leave the array as it is and a ScriptProcessorNode\'s onaudioprocess never fires (the samples are in the host page); currentTime is the host\'s clock at its last answer, advanced by the logic thread\'s own; no listener positions',
  getBackgroundAudioManager: 'plays in the page while the app runs; no system media controls, onPrev/onNext never fire',
  startAccelerometer: 'the browser\'s devicemotion (accelerationIncludingGravity, in g, axes as the browser gives them); a device without the sensor sends nothing; no iOS permission prompt',
  startGyroscope: 'the browser\'s devicemotion rotationRate, in rad/s; a device without the sensor sends nothing; no iOS permission prompt',
  startCompass: 'the browser\'s absolute deviceorientation (webkitCompassHeading on iOS); accuracy is "unknow" where the browser does not say; a device without the sensor sends nothing',
  startDeviceMotionListening: 'the browser\'s deviceorientation alpha/beta/gamma; a device without the sensor sends nothing; no iOS permission prompt',
  chooseMessageFile: 'the device\'s files (a browser cannot reach the user\'s chats), filtered by type and extension; time is the file\'s modification time',
  openDocument: 'a PDF opens in the browser\'s viewer in a new tab; Word, Excel and PowerPoint files are offered as a download; showMenu is ignored',
  getBatteryInfo: 'the browser\'s Battery Status API (Chromium-based browsers); others fail "not supported by this browser"',
  getBatteryInfoSync: 'the browser\'s Battery Status API (Chromium-based browsers), read at launch and at each change; others fail "not supported by this browser"',
  getBackgroundAudioPlayerState: 'downloadPercent is 0 until the duration is known, then 100 (download progress is not reported)',
  playBackgroundAudio: 'the same player as getBackgroundAudioManager, in the host page: no system media controls',
  chooseVideo: 'duration, width and height are reported as 0',
  getRecorderManager: 'the host\'s microphone after scope.record; aac and mp3 are recorded as AAC in MP4 (.m4a) where the browser has it, else Opus in WebM (no MP3 encoder); wav and PCM are 16-bit; onFrameRecorded gives the container\'s bytes, not codec frames; sampleRate and numberOfChannels are asked of the browser, which may not honour them',
  getVideoInfo: 'an app\'s file only; width, height and duration from the browser\'s decoder, bitrate the file\'s average, orientation always up and fps 0 (neither is read from the file)',
  addPhoneCalendar: 'a browser cannot write the calendar: after scope.addPhoneCalendar the host shows the event and saves it as an iCalendar file (.ics) for the device\'s calendar',
  addPhoneRepeatCalendar: 'as addPhoneCalendar, with the repetition as an RRULE',
  addPhoneContact: 'a browser cannot write the address book: after scope.addPhoneContact the host shows the contact and saves it as a vCard (.vcf); photoFilePath is left out',
  startRecord: 'the getRecorderManager recording in its default format (AAC in MP4, or Opus in WebM), not WeChat\'s silk',
  getFileSystemManager: 'readCompressedFileSync fails (brotli decompresses only asynchronously here); readCompressedFile needs a browser whose DecompressionStream knows brotli',
  createCameraContext: 'takePhoto gives the host\'s current picture as a JPEG temp file; startRecord/stopRecord record video only, as WebM (the browser\'s MediaRecorder), selfieMirror ignored; setZoom and onCameraFrame\'s start fail "not supported"',
  createVideoContext: 'picture-in-picture, background playback and casting fail "not supported"; danmu is not drawn',
  getLocation: 'the browser\'s position; type gcj02 is given as wgs84 coordinates',
  startLocationUpdate: 'the browser\'s position watched while the app is on screen; type gcj02 is given as wgs84 coordinates',
  startLocationUpdateBackground: 'the browser\'s position watched while the app is open, on screen or not (after scope.userLocationBackground); a browser may stop reporting in a hidden tab',
  onLocationChangeError: 'errCode is the browser\'s (1 denied, 2 unavailable, 3 timeout)',
  openLocation: 'a host sheet with a map of the place (the operator\'s tiles, a plain grid without); scale is honoured, no route planning or navigation apps',
  chooseLocation: 'the user moves a map under a fixed pin and may type a name and address (no place search: no geocoding service is bundled); latitude and longitude given centre it, otherwise the user\'s position after consent (scope.userLocation)',
  createMapContext: 'getRotate and getSkew answer 0 (no rotation or skew); moveToLocation without coordinates uses the browser\'s position (WGS-84); clusters, ground overlays, arcs, custom and visual layers, setCenterOffset, setBoundary, setLocMarkerIcon and openMapApp fail "not supported"',
  scanCode: 'from a chosen image only (BarcodeDetector where the browser has it)',
  setScreenBrightness: 'not possible in a browser: accepted, no effect',
  getScreenBrightness: 'always 1 (the browser cannot read it)',
  getNetworkType: 'from the Network Information API where present, else "unknown"',
  vibrateShort: 'navigator.vibrate where present',
  vibrateLong: 'navigator.vibrate where present',
  showShareMenu: 'per page, decides what the capsule menu offers; menus "shareTimeline" is accepted but there is no timeline (onShareTimeline is never called)',
  updateShareMenu: 'withShareTicket is honoured; isUpdatableMessage is kept, but no updatable messages are issued',
  getShareInfo: 'encryptedData and iv only (no cloudID: no cloud development); timeout is ignored',
  requestSubscribeMessage: 'one-time and long-term templates, inside a tap only (not yet from a payment callback); no device or Beta kinds',
  getLogManager: 'writes to the developer panel',
  getRealtimeLogManager: 'writes to the developer panel',
  createAnimation: 'animation data applied with CSS transitions',
  requestPayment: 'API v3 only (signType RSA; MD5 and HMAC-SHA256 are API v2): paid from the host wallet with the payment PIN on the host\'s sheet',
  addCard: 'a card is a coupon stock (cardId = stock_id, cardExt signed with the wx_card ticket of /cgi-bin/ticket/getticket); added on the host\'s sheet; code is the coupon\'s opaque id, turned into the real code by /card/code/decrypt',
  openCard: 'shows the user\'s own coupon (code and QR) on a host sheet',
  getUserProfile: 'userInfo and rawData only: no signature, encryptedData or iv (no session key yet)',
  getUserInfo: 'the anonymous "微信用户" answer, as WeChat gives since 2022; no signature, encryptedData or iv',
  getFuzzyLocation: 'the browser\'s position, rounded',
  loadFontFace: 'the native scope (canvas) takes data: URLs and the app\'s own files only, not https fonts (the logic thread has no network); an https font server must allow CORS',
  getBackgroundFetchData: 'the platform fetches nothing ahead: fails "no background fetch data"',
  onBackgroundFetchData: 'never called: the platform fetches nothing ahead',
  onMemoryWarning: 'never called: a browser page is not warned',
  onUserCaptureScreen: 'never called: a browser page cannot see screenshots',
  onKeyboardHeightChange: 'the height the page\'s visible area lost while a field has focus (navigator.virtualKeyboard where the browser reports it), 0 when it grows back or the field lets go: a browser is not told about the keyboard itself, and one that only shrinks the host page\'s visual viewport (iOS Safari) is not seen',
  getPerformance: 'navigation (appLaunch, route) and render (firstRender) entries, timed in the logic thread; no script, loadPackage or resource entries',
  createInterstitialAd: 'no ads are served: onError fires with errCode 1004 (no ad), load() and show() reject',
  createRewardedVideoAd: 'no ads are served: onError fires with errCode 1004 (no ad), load() and show() reject',
  createWorker: 'one worker at a time, its code from the main package\'s bundle; no wx inside the worker (no network, as in WeChat); onProcessKilled never fires; getCameraFrameData answers undefined',
  ...extrasPartial,
  cloud: 'no cloud development back end: init is accepted so the app starts; functions, database and storage fail "not supported"',
};

export { notYet };

/** Launch-time state the host sends with `init` (host/api/index.js `launchData`). @param {Record<string, any>} data */
export function preloadApis(data) {
  setSystemInfo(data?.system || {});
  setBattery(data?.battery);
  preloadStorage(data?.storage || []);
  preloadFiles(data?.files || []);
  forwardConsole();
}

