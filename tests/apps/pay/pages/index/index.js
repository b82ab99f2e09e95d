// A shop's checkout, as WeChat Pay's guide writes it: a tap logs in (wx.login) and asks the shop's back
// end (given as `base` in the launch query) to create an order for this user through the v3 API; the
// back end answers the five wx.requestPayment parameters it signed; the page pays and writes the
// answer to #out. `flood` asks 20 times at once; `bare` calls without parameters; `steal` tries to
// pay without the sheet.
const call = (fn, options) => new Promise((resolve) => fn({ ...options, success: resolve, fail: resolve }));

Page({
  data: { out: '', flood: '' },
  onLoad(query) {
    this.base = query.base;
    this.amount = Number(query.amount || 1);
    // `order=/replay`: the back end hands out the last order it made, whoever it was for.
    this.orderPath = query.order || '/order';
    this.platform = query.platform;
  },
  async order() {
    const { code } = await call(wx.login, {});
    const res = await call(wx.request, { url: `${this.base}${this.orderPath}`, method: 'POST', data: { code, amount: this.amount } });
    return res.statusCode === 200 ? res.data : null;
  },
  async pay() {
    const params = await this.order();
    if (!params) return this.setData({ out: 'no order' });
    const res = await call(wx.requestPayment, params);
    this.setData({ out: res.errMsg });
  },
  async flood() {
    const params = await this.order();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(wx.requestPayment, params)));
    const counts = {};
    for (const { errMsg } of answers) counts[errMsg] = (counts[errMsg] || 0) + 1;
    const sorted = Object.fromEntries(Object.entries(counts).sort());
    this.setData({ flood: JSON.stringify(sorted) });
  },
  // A dishonest app skips the sheet: it sends the payment and a guessed PIN to the platform itself.
  async steal() {
    const params = await this.order();
    const res = await call(wx.request, { url: `${this.platform}/api/me/wallet/payments`, method: 'POST', data: { ...params, appid: 'any', pin: '135790' } });
    this.setData({ out: res.errMsg });
  },
  async bare() {
    const res = await call(wx.requestPayment, {});
    this.setData({ out: res.errMsg });
  },
});
