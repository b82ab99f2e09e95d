// @ts-check
/**
 * Storage: WeChat's sync forms need an answer at once, so the app's whole storage (at most 10 MB) is
 * preloaded into this thread at launch and every change is written through to the host, which keeps
 * it in IndexedDB per app and per user (host/api/storage.js).
 */
import { callHost } from '../call.js';
import { answer, sync } from './shape.js';

const KEY_LIMIT = 1024 * 1024;
const TOTAL_LIMIT = 10 * 1024 * 1024;

/** @type {Map<string, {data: any, size: number}>} */
const store = new Map();

/** @param {any} data */
function sizeOf(data) {
  if (data === undefined) return 0;
  try {
    return new TextEncoder().encode(JSON.stringify(data) ?? String(data)).length;
  } catch {
    return 0;
  }
}

/** @param {Array<[string, any]>} entries from the host, at launch */
export function preloadStorage(entries) {
  store.clear();
  for (const [key, data] of entries || []) store.set(key, { data, size: sizeOf(data) });
}

function usedBytes() {
  let total = 0;
  for (const [key, entry] of store) total += key.length + entry.size;
  return total;
}

/** @param {string} op @param {Record<string, any>} args */
function writeThrough(op, args) {
  const pending = callHost('hutongStorage', { op, ...args });
  if (pending) pending.catch((/** @type {any} */ res) => console.error(`[hutong] storage ${op} failed: ${res?.errMsg}`));
}

/** @param {any} key */
function checkKey(key) {
  if (typeof key !== 'string' || key === '') throw new Error('parameter error: parameter.key should be String instead of ' + (key === '' ? 'empty String' : typeof key) + ';');
  return key;
}

/** @param {any} key @param {any} data */
function set(key, data) {
  checkKey(key);
  let copy;
  try {
    copy = structuredClone(data);
  } catch {
    copy = JSON.parse(JSON.stringify(data ?? null));
  }
  const size = sizeOf(copy);
  if (size > KEY_LIMIT) throw new Error('entry size limit reached');
  const before = store.get(key);
  if (usedBytes() - (before ? key.length + before.size : 0) + key.length + size > TOTAL_LIMIT) throw new Error('storage limit reached');
  store.set(key, { data: copy, size });
  writeThrough('set', { key, data: copy });
}

/** @param {any} key */
function get(key) {
  checkKey(key);
  const entry = store.get(key);
  return entry ? structuredClone(entry.data) : undefined;
}

/** @param {any} key */
function remove(key) {
  checkKey(key);
  store.delete(key);
  writeThrough('remove', { key });
}

function clear() {
  store.clear();
  writeThrough('clear', {});
}

function info() {
  return { keys: Array.from(store.keys()), currentSize: Math.ceil(usedBytes() / 1024), limitSize: TOTAL_LIMIT / 1024 };
}

export const storage = {
  /** @param {string} key @param {any} data */
  setStorageSync: (key, data) => sync('setStorageSync', () => set(key, data)),
  /** A missing key gives '' (WeChat's sync form). @param {string} key */
  getStorageSync: (key) => sync('getStorageSync', () => (store.has(checkKey(key)) ? get(key) : '')),
  /** @param {string} key */
  removeStorageSync: (key) => sync('removeStorageSync', () => remove(key)),
  clearStorageSync: () => sync('clearStorageSync', clear),
  getStorageInfoSync: () => sync('getStorageInfoSync', info),
  /** @param {any} options */
  setStorage: (options) => answer('setStorage', options, (o) => set(o.key, o.data)),
  /** @param {any} options */
  getStorage: (options) =>
    answer('getStorage', options, (o) => {
      if (!store.has(checkKey(o.key))) throw new Error('data not found');
      return { data: get(o.key) };
    }),
  /** @param {any} options */
  removeStorage: (options) => answer('removeStorage', options, (o) => remove(o.key)),
  /** @param {any} options */
  clearStorage: (options) => answer('clearStorage', options, clear),
  /** @param {any} options */
  getStorageInfo: (options) => answer('getStorageInfo', options, info),
  /** @param {Array<{key: string, value: any}>} list */
  batchSetStorageSync: (list) => sync('batchSetStorageSync', () => (list || []).forEach((item) => set(item.key, item.value))),
  /** @param {string[]} keys */
  batchGetStorageSync: (keys) => sync('batchGetStorageSync', () => (keys || []).map((key) => (store.has(key) ? get(key) : ''))),
  /** @param {any} options */
  batchSetStorage: (options) => answer('batchSetStorage', options, (o) => (o.kvList || []).forEach((/** @type {any} */ item) => set(item.key, item.value))),
  /** @param {any} options */
  batchGetStorage: (options) =>
    answer('batchGetStorage', options, (o) => ({ dataList: (o.keyList || []).map((/** @type {string} */ key) => (store.has(key) ? get(key) : '')) })),
};
