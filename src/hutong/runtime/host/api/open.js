// @ts-check
/**
 * Open APIs. Identity, payment and other mini programs need the platform's identity work, which is
 * not there yet: they fail "not supported yet". getSetting and requestSubscribeMessage answer in their
 * real shape: nothing is authorised, every template is refused.
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const notYet = () => {
  throw new Error('not supported yet');
};

export const open = {
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  getSetting: (_mp, args) => ({ authSetting: {}, ...(args.withSubscriptions ? { subscriptionsSetting: { mainSwitch: false, itemSettings: {} } } : {}) }),
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  requestSubscribeMessage: (_mp, args) => {
    const ids = Array.isArray(args.tmplIds) ? args.tmplIds.map(String) : [];
    if (!ids.length) throw new Error('TmplIds can\'t be empty');
    return Object.fromEntries(ids.map((id) => [id, 'reject']));
  },
  getUserProfile: notYet,
  getUserInfo: notYet,
  authorize: notYet,
  openSetting: notYet,
  requestPayment: notYet,
  navigateToMiniProgram: notYet,
  navigateBackMiniProgram: notYet,
  exitMiniProgram: notYet,
};
