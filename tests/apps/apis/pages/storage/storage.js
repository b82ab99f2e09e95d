// Storage: counts launches (persistence), then exercises sync, async and batch forms and the limits.
Page({
  data: { out: "", buttons: ["clear"] },
  async onLoad() {
    const r = {};
    r.launches = (wx.getStorageSync('launches') || 0) + 1;
    wx.setStorageSync('launches', r.launches);
    r.missing = wx.getStorageSync('missing');
    wx.setStorageSync('obj', { a: [1, 2], b: 'x' });
    const obj = wx.getStorageSync('obj');
    obj.a.push(3); // a copy: the stored value does not change
    r.obj = wx.getStorageSync('obj');
    await wx.setStorage({ key: 'async', data: 42 });
    r.async = (await wx.getStorage({ key: 'async' })).data;
    r.asyncMissing = await wx.getStorage({ key: 'nope' }).catch((res) => res.errMsg);
    try {
      wx.setStorageSync('big', 'x'.repeat(1024 * 1024 + 1));
      r.big = 'stored';
    } catch (error) {
      r.big = error.message;
    }
    try {
      wx.setStorageSync('', 1);
    } catch (error) {
      r.emptyKey = error.message.split(':')[0] + ':' + error.message.split(':')[1];
    }
    wx.batchSetStorageSync([{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }]);
    r.batch = wx.batchGetStorageSync(['k1', 'k2', 'k3']);
    r.batchAsync = (await wx.batchGetStorage({ keyList: ['k1'] })).dataList;
    wx.removeStorageSync('k2');
    const info = wx.getStorageInfoSync();
    r.keys = info.keys.sort();
    r.limit = info.limitSize;
    this.setData({ out: JSON.stringify(r) });
  },
  tap() {
    wx.clearStorageSync();
    this.setData({ out: JSON.stringify({ cleared: wx.getStorageInfoSync().keys }) });
  },
});
