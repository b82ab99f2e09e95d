// @ts-check
/**
 * wx.createCameraContext: the `<camera>` on the current page is the host's (host/api/camera.js), so
 * takePhoto asks the host, which grabs the current picture and hands back a temp file that joins this
 * thread's file system (as chooseImage's do). Recording, zoom and frame data are not offered yet: they
 * fail "not supported" rather than pretend.
 */
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

  /** @param {any} [options] */
  startRecord(options) {
    return notSupported(options, 'startRecord');
  }

  /** @param {any} [options] */
  stopRecord(options) {
    return notSupported(options, 'stopRecord');
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
