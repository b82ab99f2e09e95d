// @ts-check
/** wx.login and wx.checkSession: answered by the host, which asks the platform with its own session. */
import { callHost } from '../call.js';

export const login = {
  /** @param {Record<string, any>} [options] */
  login: (options) => callHost('login', options || {}),
  /** @param {Record<string, any>} [options] */
  checkSession: (options) => callHost('checkSession', options || {}),
};
