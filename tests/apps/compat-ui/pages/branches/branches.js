Page({
  data: { first: true },
  toggle() {
    this.setData({ first: !this.data.first });
  },
});
