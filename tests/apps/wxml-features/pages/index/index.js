Page({
  data: {
    title: 'Features',
    outsideData: 'LEAK',
    cards: [
      { id: 1, kind: 'plain', title: 'Tea' },
      { id: 2, kind: 'priced', title: 'Cake', price: 3 },
      { id: 3, kind: 'missing', title: 'Ghost' },
    ],
    rows: [[1, 2, 3], [4, 5]],
    map: { a: 1, b: 2 },
    n: 3,
    ok: true,
    log: [],
    dataset: '',
    dynamicHandler: 'log2',
    emptyHandler: '',
  },
  push(entry) {
    this.setData({ log: this.data.log.concat(entry) });
  },
  log(e) {
    this.push(e.currentTarget.id);
  },
  log2(e) {
    this.push('log2:' + e.currentTarget.id);
  },
  logCapture(e) {
    this.push('capture:' + e.target.id);
  },
  fromWxs(args) {
    this.push('wxs:' + args.id);
  },
  showDataset(e) {
    this.setData({ dataset: JSON.stringify(e.currentTarget.dataset) });
  },
  bump() {
    this.setData({ n: this.data.n + 3, log: [] });
  },
});
