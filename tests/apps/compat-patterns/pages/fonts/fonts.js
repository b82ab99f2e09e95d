// Canvas text in a family the device lacks: drawn in the sans-serif face, as on a phone.
const TEXT = 'Hamburgefonstiv 0123';
const FONTS = { missing: '20px "Microsoft YaHei"', sans: '20px sans-serif', serif: '20px serif' };

Page({
  data: { node: '', legacy: '', pixels: '' },
  onReady() {
    // A 2d canvas node (wx.createOffscreenCanvas is the same Canvas) measures in the logic thread.
    const ctx = wx.createOffscreenCanvas({ type: '2d', width: 10, height: 10 }).getContext('2d');
    const node = {};
    for (const [name, font] of Object.entries(FONTS)) {
      ctx.font = font;
      node[name] = ctx.measureText(TEXT).width;
    }
    // The legacy CanvasContext measures the same way, and its drawing is replayed in the page.
    const legacy = {};
    for (const [name, font] of Object.entries(FONTS)) {
      const context = wx.createCanvasContext(name, this);
      context.font = font;
      legacy[name] = context.measureText(TEXT).width;
      context.fillText(TEXT, 0, 24);
      context.draw(false, () => this.drawn(name));
    }
    this.pixels = {};
    this.setData({ node: JSON.stringify(node), legacy: JSON.stringify(legacy) });
  },
  drawn(name) {
    wx.canvasGetImageData({
      canvasId: name,
      x: 0,
      y: 0,
      width: 240,
      height: 32,
      success: (res) => {
        this.pixels[name] = Array.from(new Uint8Array(res.data.buffer || res.data)).join('');
        if (Object.keys(this.pixels).length < 3) return;
        const { missing, sans, serif } = this.pixels;
        this.setData({ pixels: `${missing === sans ? 'same as sans-serif' : 'differs from sans-serif'}, ${sans === serif ? 'serif is the same' : 'serif differs'}` });
      },
    });
  },
});
