function draw(bars) {
  return 'drew ' + bars + ' bars';
}
Page({
  data: { opts: { onInit: draw }, at: new Date(86400000), when: '' },
  onLoad() {
    // Functions and dates in initial data survive the copy WeChat makes of it.
    this.setData({ when: this.data.at.toISOString().slice(0, 10) });
  },
});
