// this.animate and this.clearAnimation; what each step saw goes into #out.
const r = {};

function style(page, selector, fields) {
  return new Promise((resolve) => {
    page.createSelectorQuery().select(selector).fields({ computedStyle: fields, size: true }).exec((res) => resolve(res[0]));
  });
}

Page({
  data: { out: '' },
  onLoad() {
    // Started in onLoad: it waits for the first render to find #a.
    this.animate('#a', [
      { opacity: 1, translateX: 0, backgroundColor: '#ff0000', ease: 'ease-in' },
      { offset: 0.5, opacity: 0.6 },
      { opacity: 0.2, translate: [30, 10], rotate: 90, scale: [2, 2], backgroundColor: '#00ff00', width: 50 },
    ], 200, () => this.afterA());
  },
  async afterA() {
    r.a = await style(this, '#a', ['opacity', 'background-color', 'transform', 'width']);
    this.animate('.pair', [{ opacity: 1 }, { opacity: 0.5 }], 50, async () => {
      const b1 = await style(this, '#b1', ['opacity']);
      const b2 = await style(this, '#b2', ['opacity']);
      r.pair = [b1.opacity, b2.opacity];
      this.clearPart();
    });
  },
  clearPart() {
    // Only opacity goes back; the transform stays.
    this.clearAnimation('#a', { opacity: true }, async () => {
      r.partly = await style(this, '#a', ['opacity', 'transform']);
      this.clearAnimation('#a', async () => {
        r.cleared = await style(this, '#a', ['opacity', 'transform', 'background-color']);
        this.scrollDriven();
      });
    });
  },
  scrollDriven() {
    this.animate('#c', [{ opacity: 1 }, { opacity: 0 }], 1000, {
      scrollSource: '#scroller',
      timeRange: 1000,
      startScrollOffset: 0,
      endScrollOffset: 200,
    });
    setTimeout(async () => {
      r.scrollStart = (await style(this, '#c', ['opacity'])).opacity;
      this.selectComponent('#mover').run((value) => {
        r.component = value;
        this.setData({ out: JSON.stringify(r) });
      });
    }, 50);
  },
  scrolled() {
    return style(this, '#c', ['opacity']);
  },
});
