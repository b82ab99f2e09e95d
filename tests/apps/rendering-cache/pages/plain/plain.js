Page({
  data: { n: 0 },
  onReady() {
    // Ignored: this page did not ask for a dynamic cache.
    this.setInitialRenderingCache({ n: 1 });
  },
});
