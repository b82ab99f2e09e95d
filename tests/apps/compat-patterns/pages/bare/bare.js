// Page methods passed as bare callbacks. WeChat does not bind them (glass-easel defines methods on the
// instance's prototype, unbound), and a timer calls its callback with the global object as `this`.
Page({
  data: { seen: 'waiting' },
  onLoad() {
    setTimeout(this.tick, 0);
    setTimeout(this.broken, 0);
  },
  tick() {
    const page = getCurrentPages().slice(-1)[0];
    page.setData({ seen: this === page ? 'page' : this === globalThis ? 'global' : String(this) });
  },
  broken() {
    this.setData({ seen: 'bound' });
  },
});
