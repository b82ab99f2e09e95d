// @ts-check
/**
 * Open APIs the host answers: requestPayment through its payment sheet, addCard and openCard through
 * its card sheets, and one mini program opening another (navigateToMiniProgram asks the user the
 * first time per pair, navigateBackMiniProgram returns with extraData, exitMiniProgram closes the app,
 * restartMiniProgram starts it again at a page:
 * host/api/open.js and the shell's navigator).
 * wx.chooseAddress and wx.chooseInvoiceTitle: the host asks for the scope and shows the user's own
 * list (host/api/address.js); only the row tapped reaches the app. addPhoneCalendar,
 * addPhoneRepeatCalendar and addPhoneContact: the host shows what would be added and saves it as a
 * calendar or contact file (host/api/phone.js).
 * Login is in login.js, scopes, the user's profile and requestSubscribeMessage (a tap only) in
 * consent.js.
 */
import { callHost } from '../call.js';

const ANSWERED = ['checkIsAddedToMyMiniProgram', 'chooseAddress', 'chooseInvoiceTitle', 'requestPayment', 'addCard', 'openCard', 'navigateToMiniProgram', 'navigateBackMiniProgram', 'exitMiniProgram', 'restartMiniProgram', 'addPhoneCalendar', 'addPhoneRepeatCalendar', 'addPhoneContact'];

/** Names that exist (so apps can call them) but do not work yet: canIUse answers false for them. None today. @type {Set<string>} */
export const notYet = new Set();

export const open = Object.fromEntries(ANSWERED.map((name) => [name, (/** @type {any} */ options) => callHost(name, options || {})]));
