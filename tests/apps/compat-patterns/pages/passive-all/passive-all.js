// enablePassiveEvent in the page's json: every catchtouchmove lets the page scroll, until the page
// asks for a non-passive touchmove again.
Page({
  data: { result: '' },
  noop() {},
  onLoad() {
    this.getPassiveEvent((config) => this.setData({ result: JSON.stringify(config) }));
  },
  hold() {
    this.setPassiveEvent({ touchmove: false });
    this.getPassiveEvent((config) => this.setData({ result: JSON.stringify(config) }));
  },
});
