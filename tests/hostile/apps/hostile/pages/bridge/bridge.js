// The app's own calls that reach past the public API: host names that are not wx APIs, internal
// message types, prototype-polluting arguments. The raw-message attacks (a compromised logic thread
// posting whatever it likes) are in tests/hostile/test_hostile_bridge.py.
const { runAll } = require('../../utils/attempts.js');

Page({
  data: { results: [], done: false },
  onLoad() {
    const polluted = JSON.parse('{"__proto__": {"polluted": "yes"}, "color": "#000000"}');
    runAll(this, [
      ['internal-wx-name', () => wx.hutongStorage({ op: 'set', key: 'x', data: 'y' }).then(() => 'ESCAPED: answered')],
      ['consent-by-name', () => wx.showConsent({ scope: 'scope.userLocation' }).then(() => 'ESCAPED: answered')],
      ['pollute-tab-style', () => wx.setTabBarStyle(polluted).then(() => 'blocked: applied only the style fields')],
      ['pollute-nav-color', () => wx.setNavigationBarColor(JSON.parse('{"__proto__": {"polluted": "yes"}, "frontColor": "#000000", "backgroundColor": "#ffffff"}')).then(() => 'blocked: colours only')],
      ['settings-unauthorised', () => wx.getSetting().then(
        (res) => (Object.values(res.authSetting || {}).some((v) => v === true) ? `ESCAPED: ${JSON.stringify(res.authSetting)}` : 'blocked: nothing authorised'),
        (res) => `blocked: ${res.errMsg}`,
      )],
    ]);
  },
});
