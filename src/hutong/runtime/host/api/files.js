// @ts-check
/** The app's persisted files (`wxfile://usr/…`, saved files), per app and per user in IndexedDB. */
import { loadAll, write } from './idb.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {MiniProgram} mp */
export const loadFiles = (mp) => loadAll('files', mp.appid, mp.user);

export const files = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongFiles: async (mp, args) => {
    await write('files', mp.appid, mp.user, { op: args.op, key: args.key, value: args.data });
    return {};
  },
};
