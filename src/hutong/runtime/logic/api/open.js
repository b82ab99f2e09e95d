// @ts-check
/**
 * Open APIs still waiting for the platform (payment, other mini programs). Each calls the host, which
 * answers honestly "not supported yet" (and the app's use is reported like any unsupported API).
 * Login is in login.js, scopes, the user's profile and requestSubscribeMessage (a tap only) in
 * consent.js.
 */
import { callHost, reportUnsupported } from '../call.js';

const NOT_YET = ['requestPayment', 'navigateToMiniProgram', 'navigateBackMiniProgram', 'exitMiniProgram'];

/** Names that exist (so apps can call them) but do not work yet: canIUse answers false for them. */
export const notYet = new Set(NOT_YET);

export const open = Object.fromEntries([
  ...NOT_YET.map((name) => [
    name,
    (/** @type {any} */ options) => {
      reportUnsupported(name);
      return callHost(name, options || {});
    },
  ]),
]);
