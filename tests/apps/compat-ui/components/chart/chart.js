// A chart wrapper in the manner of chart libraries: the page hands over `{ onInit }` in its data.
Component({
  properties: { opts: { type: Object } },
  data: { drawn: 'nothing' },
  ready() {
    const opts = this.data.opts;
    this.setData({ drawn: typeof opts.onInit === 'function' ? opts.onInit(3) : 'no onInit' });
  },
});
