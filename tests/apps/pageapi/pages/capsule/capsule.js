// A custom navigation bar lines its title up with the capsule, as apps do with its rect.
Page({
  data: { menu: {}, out: '' },
  onLoad() {
    const menu = wx.getMenuButtonBoundingClientRect();
    this.setData({ menu, out: JSON.stringify(menu) });
  },
});
