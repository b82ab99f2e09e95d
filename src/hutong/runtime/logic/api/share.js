// @ts-check
/** Share: the menu's state is the host's (it draws the share entry); sharing itself is a later issue. */
import { callHost } from '../call.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

export const share = {
  showShareMenu: host('showShareMenu'),
  hideShareMenu: host('hideShareMenu'),
  updateShareMenu: host('updateShareMenu'),
};
