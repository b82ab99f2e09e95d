// Signs the user in to its own back end, as WeChat's login guide says: wx.login gives a code, the
// back end (given as `base` in the launch query) exchanges it through code2session. Also sends a
// getPhoneNumber code and the signed launch data to the back end, and writes each answer to #out.
const call = (fn, options) => new Promise((resolve) => fn({ ...options, success: resolve, fail: resolve }));

Page({
  data: { out: '' },
  onLoad(query) {
    this.base = query.base;
  },
  show(value) {
    this.setData({ out: JSON.stringify(value) });
  },
  async post(path, data) {
    const res = await call(wx.request, { url: `${this.base}${path}`, method: 'POST', data });
    return res.statusCode === 200 ? res.data : { errMsg: res.errMsg, status: res.statusCode };
  },
  async login() {
    const res = await call(wx.login, {});
    if (!res.code) return this.show({ errMsg: res.errMsg });
    const session = await call(wx.checkSession, {});
    const user = await this.post('/login', { code: res.code });
    const after = await call(wx.checkSession, {});
    this.show({ errMsg: res.errMsg, ...user, before: session.errMsg, after: after.errMsg });
  },
  async phone(event) {
    const { errMsg, code } = event.detail;
    if (!code) return this.show({ errMsg });
    this.show({ errMsg, ...(await this.post('/phone', { code })) });
  },
  async launch() {
    const res = await call(hutong.getLaunchData, {});
    if (!res.launchData) return this.show({ errMsg: res.errMsg });
    this.show({ errMsg: res.errMsg, ...(await this.post('/launch', { launchData: res.launchData })) });
  },
});
