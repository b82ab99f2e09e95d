// wx.loadFontFace: a font for this page, one for every page (global), and one that is not there.
Page({
  data: { out: '' },
  async onLoad(query) {
    if (query.next) return;
    const r = {};
    r.page = await wx.loadFontFace({ family: 'Probe', source: 'url("https://fonts.hutong.test/probe.ttf")' }).then((res) => res.errMsg);
    r.global = await new Promise((resolve) =>
      wx.loadFontFace({ global: true, family: 'Everywhere', source: 'https://fonts.hutong.test/probe.ttf', success: (res) => resolve(`${res.errMsg} ${res.status}`) }),
    );
    r.missing = await wx.loadFontFace({ family: 'Gone', source: 'url("https://fonts.hutong.test/missing.ttf")' }).catch((res) => res.errMsg.split(' ')[0]);
    r.noFamily = await wx.loadFontFace({ source: 'url("x")' }).catch((res) => res.errMsg);
    this.setData({ out: JSON.stringify(r) });
  },
  next() {
    wx.navigateTo({ url: '/pages/font/font?next=1' });
  },
});
