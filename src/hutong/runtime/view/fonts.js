// @ts-check
/** wx.loadFontFace in the page frame: the font joins document.fonts, which shadow roots share. */
import { resolveAsset } from './components/base.js';

/** `url("/fonts/a.ttf")`, a font the app ships, becomes its blob URL; other addresses stay. @param {string} source */
function localized(source) {
  return source.replace(/url\((['"]?)([^'")]+)\1\)/g, (_, quote, address) => `url(${quote}${resolveAsset(null, address)}${quote})`);
}

/**
 * @param {{fid?: number, family: string, source: string, desc?: Record<string, string>}} message
 * @param {(result: {t: string, fid: number, ok: boolean, error?: string}) => void} reply
 */
export async function loadFont(message, reply) {
  try {
    const face = new FontFace(message.family, localized(message.source), message.desc || {});
    document.fonts.add(face);
    await face.load();
    if (message.fid) reply({ t: 'font:done', fid: message.fid, ok: true });
  } catch (error) {
    if (message.fid) reply({ t: 'font:done', fid: message.fid, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}
