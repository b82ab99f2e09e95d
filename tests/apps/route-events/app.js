// WeChat's route listeners, registered before the first page: each event lands in globalData.events.
const events = [];
const names = ['BeforeAppRoute', 'AppRoute', 'AppRouteDone', 'BeforePageLoad', 'AfterPageLoad', 'BeforePageUnload', 'AfterPageUnload'];
for (const name of names) {
  wx[`on${name}`]((res) => events.push(`${name}:${res.openType || ''}:${res.path}`));
}
// A listener taken off again hears nothing.
const silent = () => events.push('silent');
wx.onAppRoute(silent);
wx.offAppRoute(silent);
App({ globalData: { events } });
