// Every object a wx factory returns, created as an app would, and the functions it has (own or
// inherited), for the test to compare with the members WeChat documents.
const URL_ = 'https://example.invalid/x';
const ARGS = {
  connectSocket: () => [{ url: 'wss://example.invalid/s' }],
  request: () => [{ url: URL_ }],
  uploadFile: () => [{ url: URL_, filePath: 'wxfile://none', name: 'f' }],
  downloadFile: () => [{ url: URL_ }],
  createAnimation: () => [{}],
  createCanvasContext: () => ['c'],
  createVideoContext: () => ['v'],
  createMapContext: () => ['m'],
  createLivePlayerContext: () => ['p'],
  createAudioContext: () => ['a'],
  createWorker: () => ['workers/none.js'],
  createOffscreenCanvas: () => [{ type: '2d', width: 10, height: 10 }],
};

function functionsOf(object) {
  const names = new Set();
  for (let o = object; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

Page({
  data: { result: '' },
  onReady() {
    const factories = this.options.names.split(',');
    const found = {};
    for (const name of factories) {
      // Only what the runtime has: an API it lacks answers canIUse false and fails "not supported".
      if (typeof wx[name] !== 'function' || !wx.canIUse(name)) continue;
      try {
        const args = ARGS[name] ? ARGS[name]() : name === 'createIntersectionObserver' ? [this] : [];
        const made = wx[name](...args);
        found[name] = made && (typeof made === 'object' || typeof made === 'function') ? functionsOf(made) : `returned ${typeof made}`;
      } catch (error) {
        found[name] = `threw ${error && error.message}`;
      }
    }
    this.setData({ result: JSON.stringify(found) });
  },
});
