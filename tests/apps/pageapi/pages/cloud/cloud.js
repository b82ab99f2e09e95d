// wx.cloud without a cloud: init is accepted (apps call it in app.js), every call fails the WeChat way.
Page({
  data: { out: '' },
  async onLoad() {
    const r = {};
    wx.cloud.init({ env: 'prod-1', traceUser: true });
    r.callFunction = await wx.cloud.callFunction({ name: 'login' }).catch((res) => res.errMsg);
    r.callback = await new Promise((resolve) => wx.cloud.uploadFile({ cloudPath: 'a.png', filePath: 'x', fail: (res) => resolve(res.errMsg) }));
    const db = wx.cloud.database();
    const _ = db.command;
    r.query = await db.collection('todos').where({ done: _.eq(false) }).orderBy('due', 'asc').limit(10).get().catch((res) => res.errMsg);
    r.doc = await db.collection('todos').doc('id-1').update({ data: { done: true } }).catch((res) => res.errMsg);
    r.other = typeof new wx.cloud.Cloud({ resourceEnv: 'x' }).init;
    this.setData({ out: JSON.stringify(r) });
  },
});
