// @ts-check
/**
 * wx.getRecorderManager: the one RecorderManager (WeChat returns the same object every time). The
 * microphone is the host's (host/api/recorder.js): start, pause, resume and stop ask it, and what
 * happens comes back as `recorder` events, which the app's listeners hear. A failed operation reaches
 * onError as WeChat's `operateRecorder:fail …`. The older wx.startRecord / wx.stopRecord record
 * through the same recorder: startRecord's success gets the file when stopRecord (or a minute) ends it.
 */
import { on } from '../bridge.js';
import { callHost } from '../call.js';
import { addTempFile } from './file.js';
import { answer, answerLater, listeners } from './shape.js';

const events = {
  start: listeners(),
  stop: listeners(),
  pause: listeners(),
  resume: listeners(),
  frameRecorded: listeners(),
  interruptionBegin: listeners(),
  interruptionEnd: listeners(),
  error: listeners(),
};

/** @type {{resolve: (res: Record<string, any>) => void, reject: (error: Error) => void} | null} startRecord's, until the recording ends */
let legacy = null;

on('recorder', (message) => {
  const { bytes, ...res } = message.res || {};
  if (message.event === 'stop' && bytes) addTempFile(res.tempFilePath, bytes);
  if (legacy && (message.event === 'stop' || message.event === 'error')) {
    const { resolve, reject } = legacy;
    legacy = null;
    if (message.event === 'stop') resolve({ tempFilePath: res.tempFilePath });
    else reject(new Error(String(res.errMsg || '').replace(/^.*?:fail ?/, '')));
  }
  /** @type {any} */ (events)[message.event]?.emit(res);
});

/** @param {string} operation @param {Record<string, any>} [options] */
function operate(operation, options = {}) {
  /** @type {Promise<any>} */ (callHost(`hutong:recorder${operation}`, options)).catch((res) => {
    const reason = String(res?.errMsg || '').replace(/^.*?:fail ?/, '');
    events.error.emit({ errMsg: `operateRecorder:fail ${reason}`.trim() });
  });
}

const recorderManager = {
  /** @param {Record<string, any>} [options] duration, sampleRate, numberOfChannels, encodeBitRate, format, frameSize */
  start: (options) => operate('Start', { ...(options || {}) }),
  pause: () => operate('Pause'),
  resume: () => operate('Resume'),
  stop: () => operate('Stop'),
  onError: events.error.on,
  onStart: events.start.on,
  onStop: events.stop.on,
  onPause: events.pause.on,
  onResume: events.resume.on,
  onFrameRecorded: events.frameRecorded.on,
  onInterruptionBegin: events.interruptionBegin.on,
  onInterruptionEnd: events.interruptionEnd.on,
};

export const recorder = {
  getRecorderManager: () => recorderManager,
  /** WeChat's first recording API: a minute at most, the file to success. @param {any} options */
  startRecord: (options) =>
    answerLater('startRecord', options, () => {
      if (legacy) return Promise.reject(new Error('is recording'));
      const ended = new Promise((resolve, reject) => {
        legacy = { resolve, reject };
      });
      operate('Start', { duration: 60000 });
      return ended;
    }),
  /** @param {any} options */
  stopRecord: (options) => answer('stopRecord', options, () => void operate('Stop')),
};
