// @ts-check
/**
 * `<camera>`: the host owns the camera. A sandboxed page frame cannot open it (getUserMedia refuses its
 * opaque origin; docs/ARCHITECTURE.md, "Camera"), so the element asks the host (`camera` view message),
 * the host asks scope.camera on its consent sheet, opens getUserMedia in its own page, and sends the
 * element each picture as an ImageBitmap (as Canvas nodes get theirs). takePhoto grabs the current
 * picture here and hands the app a temp file (wxfile://tmp_…), as chooseImage does.
 *
 * mode="scanCode": the host also reads the pictures for codes (device.js detectCode, the one wx.scanCode
 * uses): with the browser's BarcodeDetector every SCAN_LOCAL_MS where there is one, else a JPEG of the
 * current picture to the platform's reader (POST /api/codes/read) every SCAN_PLATFORM_MS, which keeps one
 * camera at 60 pictures a minute, inside the reader's 90 a minute per client (code_routes.py). Each read
 * is reported to the element's bindscancode, the same code again on each read while it stays in view,
 * as WeChat's camera keeps reporting (apps guard against repeats themselves).
 *
 * Only the page on screen films: when another page covers the camera's (navigateTo, a tab switch) or the
 * app goes to the background, the host stops the stream's tracks (the camera is released and its light
 * goes off) and sends no pictures; a recording under way ends, as WeChat's ends on the page's onHide.
 * When the page is on screen again the host opens the camera again, without asking (scope.camera was
 * granted). miniprogram.js tells us each time the page on screen may have changed (followScreen).
 */
import { requireScope } from './consent.js';
import { codeResult, detectCode } from './device.js';
import { newTempFile } from './transfer-files.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/**
 * @typedef {{page: any, target: number, facing: string, mode: string, stream: MediaStream | null,
 *   video: HTMLVideoElement, stopped: boolean, granted: boolean, paused: boolean, first: boolean,
 *   timer: number, scanTimer: number, recorder?: MediaRecorder | null, chunks?: Blob[],
 *   recorded?: Promise<unknown>, thumb?: HTMLCanvasElement | null}} Session
 *   `paused`: its page is not on screen, so the camera is closed until it is again; `thumb`: the last
 *   picture of a recording that hiding ended (the camera is closed by the time stopRecord asks)
 */

/** The live cameras of each running app, newest last. @type {WeakMap<MiniProgram, Session[]>} */
const sessions = new WeakMap();

/** Pictures a second sent to the page frame. */
const FPS = 15;

/** How often scan mode reads a picture: locally (BarcodeDetector), or on the platform (rate-limited). */
const SCAN_LOCAL_MS = 300;
const SCAN_PLATFORM_MS = 1000;

/** @param {Session} session @param {string} method @param {any[]} [args] @param {Transferable[]} [transfer] */
function tell(session, method, args = [], transfer = []) {
  session.page.port?.postMessage({ t: 'component:call', target: session.target, method, args }, transfer);
}

/** @param {MiniProgram} mp @param {Session} session */
function stop(mp, session) {
  if (session.stopped) return;
  session.stopped = true;
  release(session);
  const list = sessions.get(mp) || [];
  sessions.set(mp, list.filter((s) => s !== session));
}

/**
 * Close the camera: no more pictures or reads, a recording under way ends (its last picture kept for
 * the thumbnail), and the tracks stop, which turns the camera's light off. @param {Session} session
 */
function release(session) {
  clearTimeout(session.timer);
  clearTimeout(session.scanTimer);
  if (session.recorder && session.recorder.state !== 'inactive') {
    if (session.video.videoWidth) session.thumb = still(session.video);
    session.recorder.stop();
  }
  for (const track of session.stream?.getTracks() || []) track.stop();
  session.stream = null;
  session.video.srcObject = null;
}

/** Whether `stream` is still the session's camera (not closed, hidden or reopened since). @param {Session} session @param {MediaStream | null} stream */
function current(session, stream) {
  return !session.stopped && session.stream === stream;
}

/** Whether the element's page is the one on screen (analytics.js counts the same page). @param {MiniProgram} mp @param {any} page */
function onScreen(mp, page) {
  return mp.foreground && !mp.closed && mp.top === page;
}

/**
 * The page on screen may have changed (navigation, background, foreground, close; miniprogram.js):
 * close the cameras of pages out of sight, reopen those of the page back on screen. Going to the
 * background is WeChat's bindstop ("摄像头在非正常终止时触发，如退出后台等情况"); a page covered by
 * another is not, as WeChat documents only the background. @param {MiniProgram} mp
 */
export function followScreen(mp) {
  for (const session of sessions.get(mp) || []) {
    if (mp.closed) stop(mp, session);
    else if (!onScreen(mp, session.page) && !session.paused) {
      session.paused = true;
      const filming = Boolean(session.stream);
      const recording = Boolean(session.recorder && session.recorder.state !== 'inactive');
      release(session);
      if (recording) mp.toLogic({ t: 'camera:recordEnded' });
      if (filming && !mp.foreground) tell(session, 'stop', [{}]);
    } else if (onScreen(mp, session.page) && session.paused) {
      session.paused = false;
      if (session.granted) start(mp, session);
    }
  }
}

/** Whether the page the element lives in is still shown. @param {MiniProgram} mp @param {any} page */
function pageAlive(mp, page) {
  return !/** @type {any} */ (mp).closed && page.frame?.isConnected && page.frame.className !== 'hutong-page-closing' && Boolean(page.port);
}

/** @param {MiniProgram} mp @param {any} page @param {Record<string, any>} message */
async function open(mp, page, message) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  /** @type {Session} */
  const session = {
    page,
    target: Number(message.target),
    facing: message.facing === 'front' ? 'user' : 'environment',
    mode: String(message.mode || ''),
    stream: null,
    video,
    stopped: false,
    granted: false,
    paused: !onScreen(mp, page),
    first: true,
    timer: 0,
    scanTimer: 0,
  };
  for (const old of (sessions.get(mp) || []).filter((s) => s.page === page && s.target === session.target)) stop(mp, old);
  sessions.set(mp, [...(sessions.get(mp) || []), session]);
  try {
    await requireScope(mp, 'scope.camera');
  } catch {
    stop(mp, session);
    tell(session, 'error', [{ errMsg: 'insertCamera:fail auth deny' }]);
    return;
  }
  session.granted = true;
  // Out of sight meanwhile: followScreen starts it when its page is back on screen.
  if (!session.stopped && !session.paused) start(mp, session);
}

/** Open the camera and send its pictures while the page is on screen. @param {MiniProgram} mp @param {Session} session */
async function start(mp, session) {
  const { page, video } = session;
  /** @type {MediaStream} */
  let stream;
  try {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera');
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: session.facing } });
  } catch (error) {
    stop(mp, session);
    const name = /** @type {any} */ (error)?.name;
    tell(session, 'error', [{ errMsg: name === 'NotAllowedError' ? 'insertCamera:fail system permission denied' : 'insertCamera:fail no camera device' }]);
    return;
  }
  // Closed, hidden or opened again while the camera was opening: this stream is not wanted.
  if (session.stopped || session.paused || session.stream) {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  session.stream = stream;
  // The camera went away (unplugged, taken by the system): WeChat's bindstop. (track.stop() fires no 'ended'.)
  stream.getVideoTracks()[0]?.addEventListener('ended', () => {
    if (!current(session, stream)) return;
    stop(mp, session);
    tell(session, 'stop', [{}]);
  });
  video.srcObject = stream;
  await video.play().catch(() => {});
  const live = () => current(session, stream);
  const pump = async () => {
    if (!live()) return;
    if (!pageAlive(mp, page)) return stop(mp, session);
    if (video.videoWidth) {
      const bitmap = await createImageBitmap(video).catch(() => null);
      if (bitmap && !live()) bitmap.close();
      else if (bitmap) {
        tell(session, 'frame', [bitmap], [bitmap]);
        if (session.first) {
          session.first = false;
          tell(session, 'ready', [{ maxZoom: 1 }]);
        }
      }
    }
    if (live()) session.timer = window.setTimeout(pump, 1000 / FPS);
  };
  pump();
  if (session.mode === 'scanCode') scan(mp, session);
}

/** Scan mode: read the current picture for a code, report it, and go again. @param {MiniProgram} mp @param {Session} session */
function scan(mp, session) {
  const local = Boolean(/** @type {any} */ (globalThis).BarcodeDetector);
  const stream = session.stream;
  const live = () => current(session, stream);
  const read = async () => {
    if (!live()) return;
    if (session.video.videoWidth) {
      try {
        const code = local ? await detectCode(session.video, { platform: false }) : await detectCode(await jpeg(session.video, 0.85));
        if (live()) tell(session, 'scancode', [codeResult(code)]);
      } catch {
        // Nothing readable in this picture (or the reader is busy): try the next one.
      }
    }
    if (live()) session.scanTimer = window.setTimeout(read, local ? SCAN_LOCAL_MS : SCAN_PLATFORM_MS);
  };
  read();
}

/** What `<camera>` elements tell the host (host/api/index.js viewMessages). */
export const cameraViewMessages = {
  /** @param {MiniProgram} mp @param {any} page @param {Record<string, any>} message */
  camera(mp, page, message) {
    if (message.action === 'open') open(mp, page, message);
    else if (message.action === 'close') {
      for (const session of (sessions.get(mp) || []).filter((s) => s.page === page && s.target === Number(message.target))) stop(mp, session);
    }
  },
};

const QUALITY = /** @type {Record<string, number>} */ ({ high: 0.92, normal: 0.8, low: 0.5, original: 1 });

/** The newest live camera on the app's top page. @param {MiniProgram} mp */
function liveSession(mp) {
  const live = (sessions.get(mp) || []).filter((s) => s.stream && !s.stopped && s.video.videoWidth && pageAlive(mp, s.page));
  const session = live.find((s) => s.page === /** @type {any} */ (mp).top) || live[live.length - 1];
  if (!session) throw new Error('camera is not ready');
  return session;
}

/**
 * The current picture (or the one kept when hiding ended a recording) as a JPEG temp file.
 * @param {MiniProgram} mp @param {Session} session @param {number} quality @param {HTMLCanvasElement | null} [kept]
 */
async function picture(mp, session, quality, kept = null) {
  const canvas = kept || still(session.video);
  const file = newTempFile(mp, await (await jpeg(canvas, quality)).arrayBuffer(), 'image/jpeg', 'photo.jpg');
  return { path: file.path, bytes: file.bytes, width: canvas.width, height: canvas.height };
}

/** The video's current picture, drawn at once (the camera may close right after). @param {HTMLVideoElement} video */
function still(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).drawImage(video, 0, 0);
  return canvas;
}

/** A picture as a JPEG. @param {HTMLCanvasElement | HTMLVideoElement} source @param {number} quality @returns {Promise<Blob>} */
async function jpeg(source, quality) {
  const canvas = source instanceof HTMLCanvasElement ? source : still(source);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new Error('take photo failed');
  return /** @type {Blob} */ (blob);
}

export const camera = {
  /**
   * CameraContext.takePhoto (logic/api/camera.js): the current picture of the newest live camera on
   * the app's top page, as a JPEG temp file.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async 'hutong:cameraTakePhoto'(mp, args) {
    const photo = await picture(mp, liveSession(mp), QUALITY[args.quality] ?? QUALITY.normal);
    return { tempImagePath: photo.path, width: photo.width, height: photo.height, bytes: photo.bytes };
  },
  /** CameraContext.startRecord: a MediaRecorder on the host's stream (video only, WebM). @param {MiniProgram} mp */
  async 'hutong:cameraStartRecord'(mp) {
    const session = liveSession(mp);
    if (session.recorder && session.recorder.state !== 'inactive') throw new Error('is recording');
    if (typeof MediaRecorder === 'undefined') throw new Error('not supported');
    const recorder = new MediaRecorder(/** @type {MediaStream} */ (session.stream));
    const chunks = /** @type {Blob[]} */ ([]);
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size) chunks.push(event.data);
    });
    session.recorder = recorder;
    session.chunks = chunks;
    session.recorded = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
    session.thumb = null;
    recorder.start(250);
    return {};
  },
  /**
   * CameraContext.stopRecord: the recording as a temp file, and the current picture as its thumbnail;
   * or the one hiding its page ended (release), with its last picture. @param {MiniProgram} mp
   */
  async 'hutong:cameraStopRecord'(mp) {
    const session = (sessions.get(mp) || []).find((s) => s.recorder);
    const recorder = session?.recorder;
    if (!session || !recorder) throw new Error('is not recording');
    if (recorder.state !== 'inactive') recorder.stop();
    await session.recorded;
    session.recorder = null;
    const type = recorder.mimeType.split(';')[0] || 'video/webm';
    const video = newTempFile(mp, await new Blob(session.chunks || [], { type }).arrayBuffer(), type, 'video.webm');
    const thumb = await picture(mp, session, QUALITY.normal, session.thumb);
    session.thumb = null;
    return { tempVideoPath: video.path, tempThumbPath: thumb.path, bytes: video.bytes, thumbBytes: thumb.bytes };
  },
};
