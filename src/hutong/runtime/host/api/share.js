// @ts-check
/** Share: the share menu's state, kept by the host (which draws the share entry). */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {MiniProgram} mp */
function menu(mp) {
  const any = /** @type {any} */ (mp);
  any.shareMenu ||= { shown: true, withShareTicket: false, menus: ['shareAppMessage'] };
  return any.shareMenu;
}

export const share = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  showShareMenu: (mp, args) => {
    Object.assign(menu(mp), { shown: true, withShareTicket: Boolean(args.withShareTicket), menus: Array.isArray(args.menus) ? args.menus : ['shareAppMessage'] });
    return {};
  },
  /** @param {MiniProgram} mp */
  hideShareMenu: (mp) => {
    menu(mp).shown = false;
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  updateShareMenu: (mp, args) => {
    Object.assign(menu(mp), { withShareTicket: Boolean(args.withShareTicket), isUpdatableMessage: Boolean(args.isUpdatableMessage) });
    return {};
  },
};
