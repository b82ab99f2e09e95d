function busy(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

Page({
  data: { hint: 'Initial', live: '' },
  onLoad(query) {
    if (query.slow) busy(Number(query.slow));
    this.setData({ live: 'live' });
  },
  onReady() {
    // Not before onReady, as WeChat asks; the last call wins.
    this.setInitialRenderingCache({ hint: 'First' });
    this.setInitialRenderingCache({ hint: 'Kept' });
  },
  flood() {
    // Asked in a loop: the host writes the last one, not five hundred.
    for (let i = 0; i < 500; i += 1) this.setInitialRenderingCache({ hint: `Flood ${i}` });
    this.setData({ live: 'flooded' });
  },
  huge() {
    // More than the host keeps for a page (256 KB): the last ask wins, so the older picture goes too.
    this.setInitialRenderingCache({ hint: 'x'.repeat(300 * 1024) });
    this.setData({ live: 'huge' });
  },
  forget() {
    this.setInitialRenderingCache(null);
    this.setData({ live: 'forgotten' });
  },
});
