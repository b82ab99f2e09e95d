// @ts-check
/** Share: each page's menu state is the host's (it draws the capsule menu and the share sheet; logic/share.js calls the page). */
import { callHost } from '../call.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

export const share = {
  showShareMenu: host('showShareMenu'),
  hideShareMenu: host('hideShareMenu'),
  updateShareMenu: host('updateShareMenu'),
  getShareInfo: host('getShareInfo'),
  getGroupEnterInfo: host('getGroupEnterInfo'),
};
