// No onShareAppMessage: WeChat offers no Forward in the menu, until showShareMenu asks for it.
Page({
  show() {
    wx.showShareMenu();
  },
});
