// @ts-check
/**
 * What built-in components ask of the platform, heard from the page frame as `builtin` messages:
 * `<navigator>` opening pages, and `<button open-type>` needing the user's identity or the platform.
 *
 * An open type is handled by a function registered with `setOpenTypeHandler(type, fn)` (the identity
 * and API modules register theirs); `fn(context)` resolves to the event detail the button's handler
 * gets (`bindgetphonenumber`, `bindchooseavatar`, …). With no handler the button's event still fires,
 * with `errMsg: "<event>:fail not supported"`, so a page never waits for nothing.
 */
import { on } from './bridge.js';
import { dispatchFromView } from './events.js';
import { instances } from './page.js';
import { share } from './share.js';

/** The event each open type reports to, as in WeChat (`share` and `contact` report none of their own). */
export const OPEN_TYPE_EVENTS = /** @type {Record<string, string>} */ ({
  getPhoneNumber: 'getphonenumber',
  getRealtimePhoneNumber: 'getrealtimephonenumber',
  getUserInfo: 'getuserinfo',
  openSetting: 'opensetting',
  chooseAvatar: 'chooseavatar',
  contact: 'contact',
  feedback: 'feedback',
  launchApp: 'launchapp',
  agreePrivacyAuthorization: 'agreeprivacyauthorization',
});

/** @typedef {(context: {page: any, openType: string, dataset: Record<string, any>, attrs: Record<string, any>}) => Promise<Record<string, any>> | Record<string, any>} OpenTypeHandler */
/** @type {Map<string, OpenTypeHandler>} */
const handlers = new Map();

/** Connect an open type to the platform. @param {string} openType @param {OpenTypeHandler} handler */
export function setOpenTypeHandler(openType, handler) {
  handlers.set(openType, handler);
}

/** @param {any} page @param {Record<string, any>} message */
function navigate(page, message) {
  const wx = /** @type {any} */ (globalThis).wx;
  const url = String(message.url || '');
  const openType = message.openType || 'navigate';
  // `url="javascript:;"` or none: a navigator used as a styled link that goes nowhere (WeUI does this).
  if (openType !== 'navigateBack' && openType !== 'exit' && (!url || /^javascript:/i.test(url))) return undefined;
  switch (openType) {
    case 'redirect':
      return wx.redirectTo({ url });
    case 'switchTab':
      return wx.switchTab({ url });
    case 'reLaunch':
      return wx.reLaunch({ url });
    case 'navigateBack':
      return wx.navigateBack({ delta: Number(message.delta) || 1 });
    case 'exit':
      return wx.exitMiniProgram?.({});
    default:
      return wx.navigateTo({ url });
  }
}

/**
 * `<navigator target="miniProgram">`: another mini program (open-type navigate), back to the one that
 * opened this app (navigateBack) or out (exit); bindsuccess or bindfail, then bindcomplete, with the answer.
 * @param {any} page @param {Record<string, any>} message
 */
async function miniProgram(page, message) {
  const wx = /** @type {any} */ (globalThis).wx;
  const openType = String(message.openType || 'navigate');
  /** @type {Record<string, any>} */
  let detail;
  let ok = true;
  try {
    if (openType === 'navigateBack') detail = await wx.navigateBackMiniProgram({ extraData: message.extraData });
    else if (openType === 'exit') detail = await wx.exitMiniProgram({});
    else detail = await wx.navigateToMiniProgram({ appId: message.appId, path: message.path || undefined, extraData: message.extraData, envVersion: message.version || 'release' });
  } catch (error) {
    ok = false;
    detail = error && typeof error === 'object' && 'errMsg' in error ? error : { errMsg: String(error) };
  }
  for (const type of [ok ? 'success' : 'fail', 'complete']) {
    dispatchFromView(page.__tree, { target: message.target, type, detail, timeStamp: Date.now(), bubbles: false });
  }
}

/** `<navigation-bar>`: the host's bar for this page. @param {Record<string, any>} message */
function navigationBar(message) {
  const wx = /** @type {any} */ (globalThis).wx;
  if (typeof message.title === 'string') wx.setNavigationBarTitle({ title: message.title });
  if (message.frontColor || message.backgroundColor) {
    wx.setNavigationBarColor({ frontColor: message.frontColor || '#000000', backgroundColor: message.backgroundColor || '#ffffff' });
  }
  if (message.loading === true) wx.showNavigationBarLoading();
  else if (message.loading === false) wx.hideNavigationBarLoading();
}

/** @param {any} page @param {Record<string, any>} message */
async function openType(page, message) {
  const type = String(message.openType);
  if (type === 'share') {
    // The share sheet is the host's: the page's onShareAppMessage says what is shared.
    share(page, 'appMessage', { from: 'button', target: { id: message.elementId, dataset: message.dataset || {} } });
    return;
  }
  const eventType = OPEN_TYPE_EVENTS[type];
  if (!eventType) return;
  const handler = handlers.get(type);
  /** @type {Record<string, any>} */
  let detail;
  try {
    detail = handler ? await handler({ page, openType: type, dataset: message.dataset || {}, attrs: message.attrs && typeof message.attrs === 'object' ? message.attrs : {} }) : { errMsg: `${eventType}:fail not supported` };
  } catch (error) {
    detail = { errMsg: `${eventType}:fail ${error instanceof Error ? error.message : String(error)}` };
  }
  dispatchFromView(page.__tree, { target: message.target, type: eventType, detail, timeStamp: Date.now(), bubbles: false });
}

on('builtin', (message) => {
  const page = instances.get(message.id);
  if (!page) return;
  if (message.action === 'navigate') navigate(page, message);
  else if (message.action === 'mini-program') miniProgram(page, message);
  else if (message.action === 'open-type') openType(page, message);
  else if (message.action === 'navigation-bar') navigationBar(message);
});
