// @ts-check
/**
 * Background fetch (WeChat's pre-fetch and periodic fetch of the app's data): the platform does not
 * fetch anything ahead, so there is never data; the token is kept for the app to read back.
 * And the device events a browser page cannot see: the listeners are kept but never called. The
 * keyboard's height comes from the page frame with the focused field (view/keyboard.js).
 */
import { answer, listeners } from './shape.js';

let fetchToken = '';
const fetched = listeners();
const memory = listeners();
const capture = listeners();
const keyboard = listeners();

export const background = {
  /** @param {any} options */
  getBackgroundFetchData: (options) =>
    answer('getBackgroundFetchData', options, () => {
      throw new Error('no background fetch data');
    }),
  onBackgroundFetchData: fetched.on,
  /** @param {any} options */
  setBackgroundFetchToken: (options) =>
    answer('setBackgroundFetchToken', options, (o) => {
      fetchToken = String(o.token ?? '');
    }),
  /** @param {any} options */
  getBackgroundFetchToken: (options) => answer('getBackgroundFetchToken', options, () => ({ token: fetchToken })),
};

const keyDown = listeners();
const keyUp = listeners();
/** A key of a physical keyboard, pressed or let go while a page of the app had focus (frame.js). @param {{type: string, key: string, code: string, timeStamp: number}} message */
export function keyPressed(message) {
  const res = { key: String(message.key), code: String(message.code), timeStamp: Number(message.timeStamp) || 0 };
  (message.type === 'keyup' ? keyUp : keyDown).emit(res);
}

/** The soft keyboard's height changed. @param {{height: number}} res */
export function keyboardChanged(res) {
  keyboard.emit(res);
}

export const deviceEvents = {
  onMemoryWarning: memory.on,
  offMemoryWarning: memory.off,
  onUserCaptureScreen: capture.on,
  offUserCaptureScreen: capture.off,
  onKeyDown: keyDown.on,
  offKeyDown: keyDown.off,
  onKeyUp: keyUp.on,
  offKeyUp: keyUp.off,
  onKeyboardHeightChange: keyboard.on,
  offKeyboardHeightChange: keyboard.off,
  /** @param {any} options */
  getRandomValues: (options) =>
    answer('getRandomValues', options, (o) => {
      const length = Math.floor(Number(o.length));
      if (!(length > 0 && length <= 65536)) throw new Error('length must be between 1 and 65536');
      return { randomValues: crypto.getRandomValues(new Uint8Array(length)).buffer };
    }),
};
