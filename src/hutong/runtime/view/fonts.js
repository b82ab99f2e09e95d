// @ts-check
/**
 * wx.loadFontFace in the page frame: the font joins document.fonts, which shadow roots share. A font the
 * app ships (or a data: URL) arrives as bytes read by the host (logic/fonts.js); an https font is loaded
 * from its address (font-src allows it; the server must allow CORS).
 */

/**
 * @param {{fid?: number, family: string, source?: string, data?: ArrayBuffer, desc?: Record<string, string>}} message
 * @param {(result: {t: string, fid: number, ok: boolean, error?: string}) => void} reply
 */
export async function loadFont(message, reply) {
  try {
    const face = new FontFace(message.family, message.data || message.source || '', message.desc || {});
    // In the set while it loads, so that document.fonts.ready waits for it.
    document.fonts.add(face);
    await face.load().catch((error) => {
      document.fonts.delete(face);
      throw error;
    });
    if (message.fid) reply({ t: 'font:done', fid: message.fid, ok: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (message.fid) reply({ t: 'font:done', fid: message.fid, ok: false, error: reason || 'could not load the font' });
  }
}
