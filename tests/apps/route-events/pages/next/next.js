Page({
  back() {
    wx.navigateBack();
  },
});
