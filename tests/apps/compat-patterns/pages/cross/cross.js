// A synchronous require into a subpackage: WeChat's rule, enforced only when the require runs. It
// fails while the subpackage is not loaded and works once it is.
Page({
  data: { result: 'waiting' },
  tryRequire() {
    try {
      this.setData({ result: require('../../extra/utils/lib.js').name });
    } catch (error) {
      this.setData({ result: `failed: ${error.message}` });
    }
  },
  loadExtra() {
    require.async('../../extra/utils/lib.js').then(() => this.setData({ result: 'extra loaded' }));
  },
});
