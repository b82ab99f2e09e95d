// @ts-check
/**
 * wx.createCameraContext: the `<camera>` on the current page is the host's (host/api/camera.js), so
 * takePhoto and startRecord/stopRecord ask the host, which grabs the current picture or records the
 * stream and hands back temp files that join this thread's file system (as chooseImage's do). Zoom and
 * frame data are not offered: they fail "not supported" rather than pretend.
 */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { addTempFile } from './file.js';

/** @param {any} options @param {Promise<any>} run @param {string} name */
function settle(options, run, name) {
  const { success, fail, complete } = options || {};
  const done = run.then(
    (res) => ({ errMsg: `${name}:ok`, ...res }),
    (res) => Promise.reject({ ...res, errMsg: String(res?.errMsg || `${name}:fail`).replace(/^.*?:fail/, `${name}:fail`) }),
  );
  if (typeof success !== 'function' && typeof fail !== 'function' && typeof complete !== 'function') return done;
  done.then(
    (res) => {
      if (typeof success === 'function') success(res);
      if (typeof complete === 'function') complete(res);
    },
    (res) => {
      if (typeof fail === 'function') fail(res);
      if (typeof complete === 'function') complete(res);
    },
  );
  return undefined;
}

/** @param {any} options @param {string} name */
function notSupported(options, name) {
  return settle(options, Promise.reject({ errMsg: `${name}:fail not supported` }), name);
}

/** The timer that ends a recording at its timeout. @type {any} */
let recording = 0;
/** What the recording under way hands its result to when it ends by itself. @type {((res: any) => void) | undefined} */
let recordingEnded;

/** The recording under way ends by itself and hands its result to timeoutCallback (stopRecord clears the timer). */
function endByItself() {
  if (recording) new CameraContext().stopRecord({ success: recordingEnded, fail: () => {} });
}

// The host ended the recording because its page left the screen (host/api/camera.js followScreen): as
// WeChat's ends on the page's onHide, its result goes to timeoutCallback.
on('camera:recordEnded', endByItself);

class CameraContext {
  /** @param {any} [options] */
  takePhoto(options) {
    const run = /** @type {Promise<any>} */ (callHost('hutong:cameraTakePhoto', { quality: options?.quality || 'normal' })).then((res) => {
      const { bytes, errMsg, ...rest } = res;
      if (bytes) addTempFile(rest.tempImagePath, bytes);
      return rest;
    });
    return settle(options, run, 'takePhoto');
  }

  /** @param {any} [options] */
  setZoom(options) {
    return notSupported(options, 'setZoom');
  }

  /**
   * A recording in the host (WebM, video only); it stops by itself after `timeout` seconds (at most 30,
   * as WeChat's), or when its page leaves the screen, and hands its result to timeoutCallback.
   * @param {any} [options]
   */
  startRecord(options) {
    const seconds = Math.min(Math.max(Number(options?.timeout) || 30, 1), 30);
    const run = /** @type {Promise<any>} */ (callHost('hutong:cameraStartRecord', {})).then(() => {
      clearTimeout(recording);
      recordingEnded = typeof options?.timeoutCallback === 'function' ? options.timeoutCallback : undefined;
      recording = setTimeout(endByItself, seconds * 1000);
      return {};
    });
    return settle(options, run, 'startRecord');
  }

  /** @param {any} [options] */
  stopRecord(options) {
    clearTimeout(recording);
    recording = 0;
    const run = /** @type {Promise<any>} */ (callHost('hutong:cameraStopRecord', {})).then((res) => {
      const { bytes, thumbBytes, errMsg, ...rest } = res;
      if (bytes) addTempFile(rest.tempVideoPath, bytes);
      if (thumbBytes) addTempFile(rest.tempThumbPath, thumbBytes);
      return rest;
    });
    return settle(options, run, 'stopRecord');
  }

  /** The picture data is the host's: a listener whose start() fails "not supported". */
  onCameraFrame() {
    return {
      /** @param {any} [options] */
      start: (options) => notSupported(options, 'start'),
      /** @param {any} [options] */
      stop: (options) => notSupported(options, 'stop'),
    };
  }
}

export const camera = {
  createCameraContext: () => new CameraContext(),
};
