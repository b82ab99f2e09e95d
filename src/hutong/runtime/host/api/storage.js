// @ts-check
/** Storage, kept per app and per user in the host's IndexedDB; the logic thread holds a synchronous copy. */
import { loadAll, write } from './idb.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {MiniProgram} mp */
export const loadStorage = (mp) => loadAll('storage', mp.appid, mp.user);

export const storage = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongStorage: async (mp, args) => {
    await write('storage', mp.appid, mp.user, { op: args.op, key: args.key, value: args.data });
    return {};
  },
};
