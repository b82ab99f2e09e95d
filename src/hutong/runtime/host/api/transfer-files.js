// @ts-check
/**
 * Temporary files the host makes (downloads, chosen images): named `wxfile://tmp_…`, kept here for the
 * host's own use (previews, uploads) and handed to the logic thread, whose file system holds every
 * file the app can see (logic/api/file.js).
 */

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @type {WeakMap<MiniProgram, Map<string, {bytes: ArrayBuffer, type: string}>>} */
const temps = new WeakMap();

const EXTENSIONS = /** @type {Record<string, string>} */ ({ 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'application/json': 'json', 'text/plain': 'txt', 'audio/mpeg': 'mp3', 'video/mp4': 'mp4' });

/** @param {MiniProgram} mp @param {ArrayBuffer} bytes @param {string} type @param {string} [nameHint] */
export function newTempFile(mp, bytes, type, nameHint = '') {
  const hinted = /\.([A-Za-z0-9]{1,5})$/.exec(nameHint)?.[1];
  const ext = EXTENSIONS[type.split(';')[0].trim()] || hinted || 'bin';
  const id = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  const path = `wxfile://tmp_${id}.${ext}`;
  let map = temps.get(mp);
  if (!map) temps.set(mp, (map = new Map()));
  map.set(path, { bytes, type });
  return { path, bytes: bytes.slice(0) };
}

/** @param {MiniProgram} mp @param {string} path */
export function fileBytes(mp, path) {
  return temps.get(mp)?.get(path)?.bytes;
}

/** @param {MiniProgram} mp @param {string} path */
export function fileType(mp, path) {
  return temps.get(mp)?.get(path)?.type || '';
}
