// @ts-check
/**
 * Open APIs still waiting for the platform (other mini programs). Each calls the host, which
 * answers honestly "not supported yet" (and the app's use is reported like any unsupported API);
 * requestSubscribeMessage answers in its real shape. Login is in login.js, scopes and the user's
 * profile in consent.js.
 */
import { callHost, reportUnsupported } from '../call.js';

// requestPayment is answered by the host's payment sheet (host/api/payment.js).
const ANSWERED = ['requestSubscribeMessage', 'requestPayment'];
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
