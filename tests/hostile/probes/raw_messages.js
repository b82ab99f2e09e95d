// Evaluated in the logic worker (test_hostile_bridge.py): raw bridge messages and host internals.
async (base) => {
  const { send } = self[Symbol.for('hutong.modules')]['logic/bridge.js'];
  const { callHost } = self[Symbol.for('hutong.modules')]['logic/call.js'];
  const victim = 'test-hostile-victim';
  const forged = [
    { t: 'api', name: 'hutongStorage', args: { op: 'set', key: 'victim-secret', data: 'PWNED', appid: victim }, appid: victim, cb: 1e9 },
    { t: 'frame:booted', appid: victim }, { t: 'logic:port' }, { t: 'logic:sandbox' }, { t: 'port' },
    { t: 'init', appid: victim }, { t: 'firstcontent', pageId: 1, appid: victim }, { t: 'ready', appid: victim },
    { t: 'consent', scope: 'scope.userLocation', granted: true }, { t: 'authorize', scope: 'scope.userLocation', ok: true },
    { t: 'consent:result', scope: 'scope.userInfo', allow: true }, { t: 'payment:result', ok: true },
    { t: 'share', id: 999, result: { title: 'forged' } }, { t: '__proto__', polluted: 'yes' },
  ];
  for (const message of forged) send(message);
  const pollution = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}');
  const answers = {};
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'close', 'openPage', 'connectFrame',
    'onLogicMessage', 'callApi', 'safely', 'hide', 'authorizeScope', 'grant', 'consent', 'showConsent'];
  for (const name of names) {
    answers[name] = await callHost(name, {}).then((res) => 'ANSWERED ' + JSON.stringify(res), (res) => res.errMsg);
  }
  for (const name of ['setTabBarStyle', 'setNavigationBarColor', 'setTabBarItem', 'setNavigationBarTitle', 'getSetting']) {
    answers['polluted ' + name] = await callHost(name, { ...pollution, index: 0, title: 't' }).then(() => 'ok', (res) => res.errMsg);
  }
  // With the hostile app's storage key written through its own channel: it lands in its own storage.
  answers.storage = await callHost('hutongStorage', { op: 'set', key: 'own-key', data: 'own', appid: victim }).then(() => 'ok', (r) => r.errMsg);
  return answers;
}
