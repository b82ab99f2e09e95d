// Location pickers on top of the map: wx.chooseLocation and wx.openLocation, both drawn by the host.
Page({
  data: { picked: '' },
  choose() {
    wx.chooseLocation({
      latitude: 39.908, longitude: 116.397,
      success: (r) => this.setData({ picked: `${r.name}|${r.address}|${r.latitude.toFixed(3)},${r.longitude.toFixed(3)}` }),
      fail: (e) => this.setData({ picked: e.errMsg }),
    });
  },
  open() {
    wx.openLocation({ latitude: 31.23, longitude: 121.47, name: 'The Bund', address: 'Zhongshan East 1st Rd', scale: 16 });
  },
});
