// @ts-check
/**
 * wx.loadFontFace: the page frame loads the font (FontFace, document.fonts) for the current page, or
 * with `global: true` for every page, open now or later (page.js sends them to each new frame).
 */
import { toView } from './bridge.js';
import { stack } from './page.js';

let nextFont = 1;
/** @type {Map<number, (result: {ok: boolean, error?: string}) => void>} */
const waiting = new Map();
/** @type {Record<string, any>[]} fonts loaded with `global: true`, for the frames still to come */
export const globalFonts = [];

/** The frame loaded a font, or could not. @param {number} fid @param {{ok: boolean, error?: string}} result */
export function fontLoaded(fid, result) {
  const done = waiting.get(fid);
  waiting.delete(fid);
  if (done) done(result);
}

/** A CSS `src` for FontFace: WeChat accepts `url("…")` or a bare address. @param {string} source */
function cssSource(source) {
  const text = String(source || '').trim();
  return /^(url|local)\(/.test(text) ? text : `url(${JSON.stringify(text)})`;
}

/** @param {Record<string, any>} [options] */
export function loadFontFace(options = {}) {
  const opts = options && typeof options === 'object' ? options : {};
  const { success, fail, complete } = opts;
  const font = { t: 'font', family: String(opts.family || ''), source: cssSource(opts.source), desc: { ...(opts.desc || {}) } };
  const promise = new Promise((resolve, reject) => {
    const finish = (/** @type {{ok: boolean, error?: string}} */ result) => {
      const res = result.ok
        ? { errMsg: 'loadFontFace:ok', status: 'loaded' }
        : { errMsg: `loadFontFace:fail ${result.error || 'could not load the font'}`, status: 'error' };
      if (result.ok && typeof success === 'function') success(res);
      if (!result.ok && typeof fail === 'function') fail(res);
      if (typeof complete === 'function') complete(res);
      (result.ok ? resolve : reject)(res);
    };
    const top = stack[stack.length - 1];
    if (!font.family || !opts.source) finish({ ok: false, error: 'family and source are required' });
    else if (!top) finish({ ok: false, error: 'there is no page yet' });
    else {
      const fid = nextFont++;
      waiting.set(fid, finish);
      toView(top.__pageId, { ...font, fid });
      if (opts.global) {
        globalFonts.push(font);
        for (const page of stack) if (page !== top) toView(page.__pageId, font);
      }
    }
  });
  if (success || fail || complete) {
    promise.catch(() => {});
    return undefined;
  }
  return promise;
}
