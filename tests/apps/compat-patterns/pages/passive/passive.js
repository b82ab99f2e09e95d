// setPassiveEvent / getPassiveEvent on a page and a component, and the Skyline-only methods.
Page({
  data: { result: '' },
  noop() {},
  onLoad() {
    this.applyAnimatedStyle('#page-catch', () => ({}));
    this.clearAnimatedStyle('#page-catch', []);
  },
  onChildPassive(event) {
    this.getPassiveEvent((page) => {
      this.setData({ result: `child=${JSON.stringify(event.detail)} page=${JSON.stringify(page)} renderer=${this.renderer}` });
    });
  },
});
