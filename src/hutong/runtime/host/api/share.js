// @ts-check
/**
 * Share: each page's share menu state (WeChat's showShareMenu, hideShareMenu and updateShareMenu act
 * on the current page), which decides what the capsule menu offers (MiniProgram.shareEntries).
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @typedef {{hidden: Set<string>, shown: Set<string>, withShareTicket: boolean, isUpdatableMessage: boolean}} ShareMenu */

const MENUS = ['shareAppMessage', 'shareTimeline'];

/** The top page's share menu. @param {MiniProgram} mp @returns {ShareMenu} */
export function shareMenuOf(mp) {
  const page = /** @type {any} */ (mp.top || {});
  page.shareMenu ||= { hidden: new Set(), shown: new Set(), withShareTicket: false, isUpdatableMessage: false };
  return page.shareMenu;
}

/** @param {any} menus @param {string[]} fallback */
function menusOf(menus, fallback) {
  return Array.isArray(menus) ? menus.map(String).filter((m) => MENUS.includes(m)) : fallback;
}

export const share = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  showShareMenu: (mp, args) => {
    const menu = shareMenuOf(mp);
    for (const name of menusOf(args.menus, ['shareAppMessage'])) {
      menu.hidden.delete(name);
      menu.shown.add(name); // shown on purpose: offered even without a handler (the page as it is)
    }
    menu.withShareTicket = Boolean(args.withShareTicket);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hideShareMenu: (mp, args) => {
    const menu = shareMenuOf(mp);
    for (const name of menusOf(args.menus, MENUS)) {
      menu.hidden.add(name);
      menu.shown.delete(name);
    }
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  updateShareMenu: (mp, args) => {
    Object.assign(shareMenuOf(mp), { withShareTicket: Boolean(args.withShareTicket), isUpdatableMessage: Boolean(args.isUpdatableMessage) });
    return {};
  },
};
