// `slow` keeps the logic thread busy in onLoad, so the page shows its cache for a while.
function busy(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

Page({
  data: { loading: true, title: 'Menu', taps: 0 },
  onLoad(query) {
    if (query.slow) busy(Number(query.slow));
    this.setData({ loading: false });
  },
  onTap() {
    this.setData({ taps: this.data.taps + 1 });
  },
});
