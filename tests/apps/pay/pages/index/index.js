// A shop's checkout, as WeChat Pay's guide writes it: a tap asks the shop's back end (given as `base`
// in the launch query) to create an order through the v3 API; the back end answers the five
// wx.requestPayment parameters it signed; the page pays and writes the answer to #out. `flood` asks
// 20 times at once; `bare` calls without parameters.
const call = (fn, options) => new Promise((resolve) => fn({ ...options, success: resolve, fail: resolve }));

Page({
  data: { out: '', flood: '' },
  onLoad(query) {
    this.base = query.base;
    this.amount = Number(query.amount || 1);
  },
  async order() {
    const res = await call(wx.request, { url: `${this.base}/order`, method: 'POST', data: { amount: this.amount } });
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
    this.setData({ flood: JSON.stringify(counts) });
  },
  async bare() {
    const res = await call(wx.requestPayment, {});
    this.setData({ out: res.errMsg });
  },
});
