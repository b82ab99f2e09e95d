// @ts-check
/**
 * Scopes and the user's profile (the host draws every question: host/api/consent.js, profile.js):
 * authorize, getSetting, openSetting, getUserProfile, getUserInfo, requestSubscribeMessage (its dialog
 * is host/api/subscribe.js); and the open types of `<button>` that need them (getUserInfo,
 * openSetting, chooseAvatar).
 */
import { setOpenTypeHandler } from '../builtins.js';
import { callHost } from '../call.js';
import { inUserGesture } from '../gesture.js';
import { addTempFile } from './file.js';

/**
 * An API WeChat only allows inside the user's tap: outside one it fails without asking.
 * @param {string} name
 */
function tapOnly(name) {
  return (/** @type {any} */ options) => {
    if (inUserGesture()) return callHost(name, options || {});
    const { fail, complete } = options || {};
    const res = { errMsg: `${name}:fail can only be invoked by user TAP gesture.` };
    if (typeof fail === 'function' || typeof complete === 'function') {
      if (typeof fail === 'function') fail(res);
      if (typeof complete === 'function') complete(res);
      return undefined;
    }
    return Promise.reject(res);
  };
}

export const consent = {
  authorize: (/** @type {any} */ options) => callHost('authorize', options || {}),
  getSetting: (/** @type {any} */ options) => callHost('getSetting', options || {}),
  openSetting: tapOnly('openSetting'),
  getUserProfile: tapOnly('getUserProfile'),
  requestSubscribeMessage: tapOnly('requestSubscribeMessage'),
  getUserInfo: (/** @type {any} */ options) => callHost('getUserInfo', options || {}),
};

/** A host call for an open type: its result, or an Error with the fail reason. @param {string} name @param {Record<string, any>} [args] */
async function host(name, args = {}) {
  try {
    return await /** @type {Promise<any>} */ (callHost(name, args));
  } catch (error) {
    const message = String(/** @type {any} */ (error)?.errMsg || error);
    throw new Error(message.replace(/^[^:]*:fail ?/, ''));
  }
}

setOpenTypeHandler('getUserInfo', async () => host('getUserInfo'));
setOpenTypeHandler('openSetting', async () => {
  const res = await host('openSetting');
  return { errMsg: 'openSetting:ok', authSetting: res.authSetting };
});
setOpenTypeHandler('chooseAvatar', async () => {
  const { avatarUrl, bytes } = await host('hutongChooseAvatar');
  // The temporary file is the app's, like any chosen image: <image src> shows it, uploadFile sends it.
  if (bytes) addTempFile(avatarUrl, bytes);
  return { avatarUrl };
});
