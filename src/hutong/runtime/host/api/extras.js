// @ts-check
/**
 * Host answers for smaller APIs: whether the app is in the user's My mini programs (the platform's
 * pinned list, a signed-in user's), and saving an app's file as a browser download (wx.saveFileToDisk;
 * wx.saveVideoToPhotosAlbum after scope.writePhotosAlbum, as images are saved).
 */
import { requireScope } from './consent.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** The file the app named, as a download. @param {Record<string, any>} args */
function download(args) {
  const file = args.file || {};
  if (!file.bytes) throw new Error(`file not found: ${args.filePath}`);
  const url = URL.createObjectURL(new Blob([file.bytes]));
  const link = /** @type {HTMLAnchorElement} */ (el('a', { href: url, download: String(args.filePath).split('/').pop() || 'file' }));
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return {};
}

export const extras = {
  /** @param {MiniProgram} mp */
  async checkIsAddedToMyMiniProgram(mp) {
    // A guest has no My mini programs (pinning needs an account): not added.
    const response = await fetch('/api/me/pinned', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
    const pinned = response?.ok ? await response.json() : [];
    return { isAdded: Array.isArray(pinned) && pinned.some((app) => app?.appid === mp.appid) };
  },
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  saveFileToDisk(_mp, args) {
    return download(args);
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async saveVideoToPhotosAlbum(mp, args) {
    if (!args.file?.bytes) throw new Error(`file not found: ${args.filePath}`);
    await requireScope(mp, 'scope.writePhotosAlbum');
    return download(args);
  },
};
