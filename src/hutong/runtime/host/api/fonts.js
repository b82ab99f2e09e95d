// @ts-check
/**
 * wx.loadFontFace with a font the app ships: the page frames and the logic thread cannot fetch the
 * app's files (they are served without CORS, and those contexts have opaque origins and no network), so
 * the host reads the file, refuses it unless its SHA-256 is the one the signed launch manifest names,
 * and hands the bytes over. Each file is read once per launch.
 */
import { fetchVerifiedBytes } from '../integrity.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @type {WeakMap<MiniProgram, Map<string, Promise<ArrayBuffer>>>} */
const read = new WeakMap();

export const fonts = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args `path`: relative to the package root */
  async hutongFontBytes(mp, args) {
    const path = String(args.path ?? '').replace(/^\/+/, '');
    // Only the app's shipped files, each with its SHA-256 from the signed launch manifest.
    const bundle = mp.config.assets?.[path] ? mp.packages?.bundles?.[path] : null;
    if (!bundle) throw new Error(`file not found: /${path}`);
    let files = read.get(mp);
    if (!files) read.set(mp, (files = new Map()));
    let bytes = files.get(path);
    if (!bytes) {
      bytes = fetchVerifiedBytes(bundle, path);
      files.set(path, bytes);
      bytes.catch(() => files?.delete(path));
    }
    return { bytes: await bytes };
  },
};
