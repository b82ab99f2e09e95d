// Pickers in every mode and a picker-view; every event is logged.
const CITIES = { 0: ['x1', 'x2'], 1: ['y1', 'y2', 'y3'] };
Page({
  data: {
    log: '',
    fruits: [{ name: 'apple' }, { name: 'banana' }, { name: 'cherry' }],
    sel: 0,
    multi: [['X', 'Y'], CITIES[0]],
    multiIndex: [0, 0],
    lateRows: [],
    region: [],
  },
  onReady() {
    // Rows that arrive after the value (as a list loaded from a server does).
    this.setData({ lateRows: ['r0', 'r1', 'r2', 'r3', 'r4'] });
  },
  add(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onChange(e) {
    const name = e.currentTarget.dataset.name;
    if (name === 'sel') this.setData({ sel: e.detail.value });
    this.add(`${name}:${JSON.stringify(e.detail.value)}`);
  },
  onCancel() {
    this.add('cancel');
  },
  onColumn(e) {
    this.add(`col:${e.detail.column}=${e.detail.value}`);
    // The second column follows the first, as in WeChat's own example.
    if (e.detail.column === 0) this.setData({ multi: [this.data.multi[0], CITIES[e.detail.value]], multiIndex: [e.detail.value, 0] });
  },
  onRegion(e) {
    this.add(`region:${e.detail.value.join('/')}:${e.detail.code.join(',')}`);
  },
  onFull(e) {
    this.setData({ region: e.detail.value });
    this.add(`full:${e.detail.value.join('/')}:${e.detail.code.join(',')}:${'postcode' in e.detail}`);
  },
  onView(e) {
    this.add(`view:${e.detail.value.join(',')}`);
  },
  onPickStart() {
    this.add('pickstart');
  },
  onPickEnd() {
    this.add('pickend');
  },
});
