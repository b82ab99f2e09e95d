// @ts-check
/**
 * wx.loadFontFace. `scopes` says where the font goes: `webview`, the page frames (the current page's,
 * or with `global: true` every page's, open now or later: page.js sends `globalFonts` to each new
 * frame); `native`, this thread's own FontFaceSet, which canvas nodes (OffscreenCanvas here) draw with.
 *
 * The source is an https URL (a frame loads it; the server must allow CORS), a data: URL, or a file the
 * app ships ('/fonts/a.ttf', or relative to the current page). Those files are read by the host, checked
 * against the launch manifest, and arrive as bytes: neither the frames nor this thread can fetch them.
 */
import { callHost } from './call.js';
import { toView } from './bridge.js';
import { stack } from './stack.js';

let nextFont = 1;
/** @type {Map<number, (result: {ok: boolean, error?: string}) => void>} */
const waiting = new Map();
/** @type {Record<string, any>[]} fonts loaded with `global: true`, for the frames still to come */
export const globalFonts = [];

const SCOPES = ['webview', 'native', 'skyline'];

/** The frame loaded a font, or could not. @param {number} fid @param {{ok: boolean, error?: string}} result */
export function fontLoaded(fid, result) {
  const done = waiting.get(fid);
  waiting.delete(fid);
  if (done) done(result);
}

/** What a source names: `url("…")` or a bare address; `local(…)` stays CSS. @param {string} source */
function addressOf(source) {
  const text = String(source || '').trim();
  const url = /^url\(\s*(['"]?)(.*?)\1\s*\)$/s.exec(text);
  return url ? url[2].trim() : text;
}

/** This thread has no fetch: a data: URL is decoded here. @param {string} url */
function dataUrlBytes(url) {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('invalid data URL');
  const body = url.slice(comma + 1);
  if (/;base64$/i.test(url.slice(0, comma))) return Uint8Array.from(atob(body), (c) => c.charCodeAt(0)).buffer;
  return Uint8Array.from(unescape(body), (c) => c.charCodeAt(0)).buffer;
}

/** A package path from the package root, for `path` as written on the current page. @param {string} path */
function packagePath(path) {
  const route = stack[stack.length - 1]?.route || '';
  const parts = path.startsWith('/') ? [] : route.split('/').slice(0, -1);
  for (const part of path.split(/[?#]/)[0].split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/**
 * The font's bytes (a data: URL or a package file), or null for an address a frame loads itself.
 * @param {string} address @returns {Promise<ArrayBuffer | null>}
 */
async function bytesOf(address) {
  if (/^data:/i.test(address)) return dataUrlBytes(address);
  if (/^[a-z][a-z0-9+.-]*:/i.test(address) || address.startsWith('//')) return null;
  const res = /** @type {any} */ (await callHost('hutongFontBytes', { path: packagePath(address) }).catch((res) => {
    throw new Error(String(res?.errMsg || '').replace(/^hutongFontBytes:fail /, '') || 'could not read the font file');
  }));
  return res.bytes;
}

/**
 * Load into this thread, for canvas. @param {string} family @param {ArrayBuffer} bytes
 * @param {Record<string, string>} desc
 */
async function loadHere(family, bytes, desc) {
  const face = new FontFace(family, bytes, desc);
  await face.load();
  /** @type {any} */ (self).fonts.add(face);
}

/**
 * Load into the current page's frame (and every frame with `global`).
 * @param {Record<string, any>} font @param {boolean} global
 * @returns {Promise<void>}
 */
function loadInFrames(font, global) {
  const top = stack[stack.length - 1];
  return new Promise((resolve, reject) => {
    if (global) {
      // The same face loaded again replaces the one kept for later pages, rather than piling up.
      const same = globalFonts.findIndex((f) => f.family === font.family && JSON.stringify(f.desc) === JSON.stringify(font.desc));
      if (same >= 0) globalFonts.splice(same, 1);
      globalFonts.push(font);
    }
    if (!top) {
      // Called from app.js before any page: the first page's frame loads it with the other global fonts.
      if (global) resolve();
      else reject(new Error('there is no page yet'));
      return;
    }
    const fid = nextFont++;
    waiting.set(fid, (result) => (result.ok ? resolve() : reject(new Error(result.error || 'could not load the font'))));
    toView(top.__pageId, { ...font, fid });
    if (global) for (const page of stack) if (page !== top) toView(page.__pageId, font);
  });
}

/** @param {Record<string, any>} [options] */
export function loadFontFace(options = {}) {
  const opts = options && typeof options === 'object' ? options : {};
  const { success, fail, complete } = opts;
  const family = String(opts.family || '');
  const desc = { ...(opts.desc || {}) };
  const scopes = Array.isArray(opts.scopes) && opts.scopes.length ? opts.scopes.map(String) : null;
  const run = async () => {
    if (!family || !opts.source) throw new Error('family and source are required');
    const unknown = scopes?.find((scope) => !SCOPES.includes(scope));
    if (unknown) throw new Error(`scopes: unknown scope "${unknown}"`);
    const address = addressOf(opts.source);
    const css = /^local\(/.test(address);
    const bytes = css ? null : await bytesOf(address);
    // skyline pages are drawn in the page frames here, as webview pages are.
    const webview = !scopes || scopes.includes('webview') || scopes.includes('skyline');
    const native = !scopes || scopes.includes('native');
    if (native && bytes) await loadHere(family, bytes, desc);
    else if (scopes?.includes('native')) throw new Error('the native scope (canvas) needs a data: URL or a file the app ships');
    if (webview) {
      const source = bytes ? { data: bytes } : { source: css ? address : `url(${JSON.stringify(address)})` };
      await loadInFrames({ t: 'font', family, desc, ...source }, Boolean(opts.global));
    }
  };
  const promise = run().then(
    () => {
      const res = { errMsg: 'loadFontFace:ok', status: 'loaded' };
      if (typeof success === 'function') success(res);
      if (typeof complete === 'function') complete(res);
      return res;
    },
    (error) => {
      const res = { errMsg: `loadFontFace:fail ${error instanceof Error ? error.message : error}`, status: 'error' };
      if (typeof fail === 'function') fail(res);
      if (typeof complete === 'function') complete(res);
      throw res;
    },
  );
  if (success || fail || complete) {
    promise.catch(() => {});
    return undefined;
  }
  return promise;
}
