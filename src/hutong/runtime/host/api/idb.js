// @ts-check
/**
 * The host's IndexedDB (the platform's origin; no mini program context can open it): one store per
 * kind, every record keyed `[appid, user, key]` so apps and users never see each other's data.
 */

/** @type {Promise<IDBDatabase> | null} */
let opening = null;
/** Every store an app's records live in: clearing an app's data on this device clears them all. */
export const STORES = ['storage', 'files', 'rendering'];

function database() {
  opening ||= new Promise((resolve, reject) => {
    // Version 2 added `rendering` (host/rendering-cache.js); an upgrade makes whichever store is missing.
    const request = indexedDB.open('hutong-apps', 2);
    request.onupgradeneeded = () => {
      for (const store of STORES) {
        if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

/** @template T @param {IDBRequest<T>} request @returns {Promise<T>} */
const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/** Everything one app keeps for one user in `store`: `[key, value]` pairs. @param {string} store @param {string} appid @param {string} user */
export async function loadAll(store, appid, user) {
  const db = await database();
  const range = IDBKeyRange.bound([appid, user], [appid, user, []]);
  const tx = db.transaction(store, 'readonly');
  const [keys, values] = await Promise.all([done(tx.objectStore(store).getAllKeys(range)), done(tx.objectStore(store).getAll(range))]);
  return keys.map((key, i) => /** @type {[string, any]} */ ([/** @type {any[]} */ (key)[2], values[i]]));
}

/**
 * Change one app's records for one user. Read-write transactions on one store run in the order they
 * were made, so writes land in the order the app made them.
 * @param {string} store @param {string} appid @param {string} user
 * @param {{op: 'set' | 'remove' | 'clear', key?: string, value?: any}} change
 */
export async function write(store, appid, user, change) {
  const db = await database();
  const objects = db.transaction(store, 'readwrite').objectStore(store);
  if (change.op === 'set') await done(objects.put(change.value, [appid, user, String(change.key)]));
  else if (change.op === 'remove') await done(objects.delete([appid, user, String(change.key)]));
  else await done(objects.delete(IDBKeyRange.bound([appid, user], [appid, user, []])));
}
