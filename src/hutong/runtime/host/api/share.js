// @ts-check
/**
 * Share: each page's share menu state (WeChat's showShareMenu, hideShareMenu and updateShareMenu act
 * on the current page), which decides what the capsule menu offers (MiniProgram.shareEntries); and
 * wx.getShareInfo / wx.getGroupEnterInfo, which the host asks the platform for with its own session:
 * the group's openGId sealed with the user's session_key, for the app's server to open.
 */

import { signedIn } from './login.js';

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
  getShareInfo: async (mp, args) => {
    const ticket = typeof args.shareTicket === 'string' ? args.shareTicket : '';
    if (!ticket) throw new Error('invalid shareTicket');
    const data = await sealedGroup(mp, '/api/me/shares/info', ticket);
    return { encryptedData: data.encryptedData, iv: data.iv };
  },
  /** The group the app was entered from (the launch's or the latest show's shareTicket). @param {MiniProgram} mp */
  getGroupEnterInfo: async (mp) => {
    const launch = /** @type {any} */ (mp).enterOptions || /** @type {any} */ (mp).launchOptions || {};
    if (!launch.shareTicket) throw new Error('not entered from a group chat');
    const data = await sealedGroup(mp, '/api/me/shares/group-enter-info', launch.shareTicket);
    return { encryptedData: data.encryptedData, iv: data.iv };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  updateShareMenu: (mp, args) => {
    Object.assign(shareMenuOf(mp), { withShareTicket: Boolean(args.withShareTicket), isUpdatableMessage: Boolean(args.isUpdatableMessage) });
    return {};
  },
};

/** @param {MiniProgram} mp @param {string} path @param {string} ticket */
async function sealedGroup(mp, path, ticket) {
  const user = await signedIn(mp);
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': user.csrf_token || '' },
    body: JSON.stringify({ appid: mp.appid, share_ticket: ticket }),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.code === 'login_required' ? 'call wx.login first' : data?.code === 'invalid_share_ticket' ? 'invalid shareTicket' : data?.detail || String(response.status));
  return data;
}
