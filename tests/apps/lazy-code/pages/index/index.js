getApp().ran.push('index');
Page({
  data: { ran: '' },
  show() {
    this.setData({ ran: getApp().ran.join(' ') });
  },
  open() {
    wx.navigateTo({ url: '/pages/other/other' });
  },
});
