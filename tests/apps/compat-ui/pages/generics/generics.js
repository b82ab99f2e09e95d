Page({
  data: { items: ['apple', 'pear'] },
  more() {
    this.setData({ items: this.data.items.concat('plum') });
  },
});
