// getPerformance, background fetch, getRandomValues, hideKeyboard.
const perf = wx.getPerformance();
const observed = [];
const observer = perf.createObserver((list) => observed.push(...list.getEntries().map((e) => `${e.entryType}:${e.name}`)));
observer.observe({ entryTypes: ['navigation', 'render'] });

Page({
  data: { out: '', blurred: '' },
  async onReady() {
    const r = {};
    await new Promise((resolve) => setTimeout(resolve, 0));
    r.observed = observed.slice();
    const launch = perf.getEntriesByName('appLaunch')[0];
    r.launch = launch ? [launch.entryType, launch.path, launch.duration >= 0] : null;
    r.render = perf.getEntriesByType('render').map((e) => e.name);
    r.now = typeof perf.now();
    r.fetch = await wx.getBackgroundFetchData({ fetchType: 'pre' }).catch((res) => res.errMsg);
    await wx.setBackgroundFetchToken({ token: 't-1' });
    r.token = (await wx.getBackgroundFetchToken()).token;
    r.random = (await wx.getRandomValues({ length: 16 })).randomValues.byteLength;
    r.badRandom = await wx.getRandomValues({ length: 0 }).catch((res) => res.errMsg);
    wx.onMemoryWarning(() => {});
    const info = wx.getWindowInfo();
    const wide = await new Promise((resolve) => wx.createMediaQueryObserver().observe({ minWidth: 1 }, resolve));
    const narrow = await new Promise((resolve) => this.createMediaQueryObserver().observe({ maxWidth: info.windowWidth - 1 }, resolve));
    const exact = await new Promise((resolve) => this.createMediaQueryObserver().observe({ width: info.windowWidth, orientation: info.windowHeight >= info.windowWidth ? 'portrait' : 'landscape' }, resolve));
    r.media = [wide.matches, narrow.matches, exact.matches];
    r.adError = await new Promise((resolve) => wx.createInterstitialAd({ adUnitId: 'a' }).onError((e) => resolve(e.errCode)));
    r.adShow = await wx.createRewardedVideoAd({ adUnitId: 'b' }).show().catch((e) => e.errMsg);
    this.setData({ out: JSON.stringify(r) });
  },
  hide() {
    wx.hideKeyboard();
  },
  blurred() {
    this.setData({ blurred: 'yes' });
  },
});
