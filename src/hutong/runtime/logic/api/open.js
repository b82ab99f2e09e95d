// @ts-check
/**
 * Open APIs still waiting for the platform (other mini programs). Each calls the host, which
 * answers honestly "not supported yet" (and the app's use is reported like any unsupported API);
 * requestPayment answers through the host's payment sheet.
 * Login is in login.js, scopes, the user's profile and requestSubscribeMessage (a tap only) in
 * consent.js.
 */
import { callHost, reportUnsupported } from '../call.js';

// requestPayment is answered by the host's payment sheet (host/api/payment.js), addCard and openCard
// by its card sheets (host/api/coupons.js).
const ANSWERED = ['requestPayment', 'addCard', 'openCard'];
const NOT_YET = ['navigateToMiniProgram', 'navigateBackMiniProgram', 'exitMiniProgram'];

/** Names that exist (so apps can call them) but do not work yet: canIUse answers false for them. */
export const notYet = new Set(NOT_YET);

export const open = Object.fromEntries([
  ...ANSWERED.map((name) => [name, (/** @type {any} */ options) => callHost(name, options || {})]),
  ...NOT_YET.map((name) => [
    name,
    (/** @type {any} */ options) => {
      reportUnsupported(name);
      return callHost(name, options || {});
    },
  ]),
]);
