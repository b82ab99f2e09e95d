// Device and share APIs whose answers do not need the user: network, screen, vibration, share menu.
Page({
  data: { out: '' },
  async onLoad() {
    const r = {};
    r.network = (await wx.getNetworkType()).errMsg;
    r.brightness = (await wx.getScreenBrightness()).value;
    r.badBrightness = await wx.setScreenBrightness({ value: 3 }).catch((res) => res.errMsg);
    r.vibrate = (await wx.vibrateShort({ type: 'light' })).errMsg;
    r.share = [(await wx.showShareMenu({ withShareTicket: true })).errMsg, (await wx.hideShareMenu()).errMsg, (await wx.updateShareMenu({})).errMsg];
    r.sheetEmpty = await wx.showActionSheet({ itemList: [] }).catch((res) => res.errMsg);
    wx.reportEvent('page_open', { page: 'device' });
    wx.reportAnalytics('purchase', { price: 120 });
    wx.getLogManager().info('from log manager');
    this.setData({ out: JSON.stringify(r) });
  },
});
