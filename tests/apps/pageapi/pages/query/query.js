// Selector queries from each lifecycle, as a WeUI page does them: each answer goes into #out.
const seen = {};

function measure(label, page, selector) {
  return new Promise((resolve) => {
    wx.createSelectorQuery()
      .select(selector)
      .boundingClientRect((rect) => {
        seen[label] = rect ? [rect.width, rect.height, rect.id] : null;
        resolve();
      })
      .exec();
  });
}

Page({
  data: { out: '', shown: false },
  onLoad() {
    this.loaded = measure('onLoad', this, '#box');
    // Set before the query: the answer sees it, as the view applies setData first.
    this.setData({ shown: true });
    this.late = measure('lateInOnLoad', this, '#late');
  },
  onShow() {
    this.shown = new Promise((resolve) => {
      this.createSelectorQuery()
        .select('#box')
        .boundingClientRect()
        .selectViewport()
        .scrollOffset()
        .exec((res) => {
          seen.onShow = res[0] ? [res[0].width, res[0].height] : null;
          seen.viewport = res[1] ? typeof res[1].scrollTop : null;
          resolve();
        });
    });
  },
  async onReady() {
    await measure('onReady', this, '#box');
    await Promise.all([this.loaded, this.late, this.shown]);
    this.setData({ out: JSON.stringify(seen) });
  },
});
