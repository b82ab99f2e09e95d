// @ts-check
/**
 * Open APIs still waiting for the platform (other mini programs): they fail "not supported
 * yet". requestSubscribeMessage answers in its real shape: every template is refused. Login, session
 * and phone number are in login.js, payment in payment.js, scopes in consent.js, the user's profile in profile.js.
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const notYet = () => {
  throw new Error('not supported yet');
};

export const open = {
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  requestSubscribeMessage: (_mp, args) => {
    const ids = Array.isArray(args.tmplIds) ? args.tmplIds.map(String) : [];
    if (!ids.length) throw new Error('TmplIds can\'t be empty');
    return Object.fromEntries(ids.map((id) => [id, 'reject']));
  },
  navigateToMiniProgram: notYet,
  navigateBackMiniProgram: notYet,
  exitMiniProgram: notYet,
};
