Page({
  data: { out: '' },
  count: 0,
  loaded() {
    this.count += 1;
    if (this.count === 2) this.setData({ out: 'loaded' });
  },
});
