// @ts-check
/**
 * Open APIs still waiting for the platform (other mini programs): they fail "not supported
 * yet". Login, session and phone number are in login.js, payment in payment.js, scopes in
 * consent.js, the user's profile in profile.js, subscription messages in subscribe.js.
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const notYet = () => {
  throw new Error('not supported yet');
};

export const open = {
  navigateToMiniProgram: notYet,
  navigateBackMiniProgram: notYet,
  exitMiniProgram: notYet,
};
