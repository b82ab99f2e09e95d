// Swipers driven by touch, mouse, autoplay and setData; every event is logged.
Page({
  data: { log: '', auto: false, plainCurrent: 0 },
  moved: false,
  add(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onChange(e) {
    this.add(`${e.currentTarget.dataset.name}:${e.detail.current}:${e.detail.currentItemId}:${e.detail.source}`);
  },
  onFinish(e) {
    this.add(`finish:${e.detail.current}:${e.detail.source}`);
  },
  onTransition(e) {
    // Reported once per gesture: the direction the items moved.
    if (this.moved) return;
    this.moved = true;
    this.add(`transition:${e.detail.dx > 0 ? 'next' : 'previous'}:${e.detail.dy}`);
  },
  start() {
    this.setData({ auto: !this.data.auto });
  },
  jump() {
    this.setData({ plainCurrent: 2 });
  },
});
