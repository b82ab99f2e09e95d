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
  createWorker: () => ['workers/index.js'],
  createOffscreenCanvas: () => [{ type: '2d', width: 10, height: 10 }],
};

// The second level: objects that a factory object's own methods return.
const NESTED = {
  'createCanvasContext.createCircularGradient': () => wx.createCanvasContext('c').createCircularGradient(1, 1, 1),
  'createCanvasContext.createLinearGradient': () => wx.createCanvasContext('c').createLinearGradient(0, 0, 1, 1),
  'createSelectorQuery.select': () => wx.createSelectorQuery().select('#result'),
  'createSelectorQuery.selectAll': () => wx.createSelectorQuery().selectAll('#result'),
  'createSelectorQuery.selectViewport': () => wx.createSelectorQuery().selectViewport(),
  'getFileSystemManager.fstatSync': () => {
    const fs = wx.getFileSystemManager();
    const filePath = `${wx.env.USER_DATA_PATH}/probe.txt`;
    fs.writeFileSync(filePath, 'x', 'utf8');
    return fs.fstatSync({ fd: fs.openSync({ filePath, flag: 'r' }) });
  },
  'getFileSystemManager.statSync': () => {
    const fs = wx.getFileSystemManager();
    const filePath = `${wx.env.USER_DATA_PATH}/probe.txt`;
    fs.writeFileSync(filePath, 'x', 'utf8');
    return fs.statSync(filePath);
  },
  'getPerformance.createObserver': () => wx.getPerformance().createObserver(() => {}),
  'getRealtimeLogManager.tag': () => wx.getRealtimeLogManager().tag('probe'),
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
  data: { result: '', ref: '' },
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
    for (const key of (this.options.nested || '').split(',').filter(Boolean)) {
      const factory = key.split('.')[0];
      if (typeof wx[factory] !== 'function' || !wx.canIUse(factory)) continue;
      try {
        const made = NESTED[key] ? NESTED[key]() : undefined;
        found[key] = made && (typeof made === 'object' || typeof made === 'function') ? functionsOf(made) : `returned ${typeof made}`;
      } catch (error) {
        found[key] = `threw ${error && error.message}`;
      }
    }
    this.setData({ result: JSON.stringify(found) });
    // NodesRef.ref answers the node it found with WeChat's webview answer: no Ref object (Skyline only).
    wx.createSelectorQuery().select('#result').ref().select('#none').ref().exec((res) => {
      this.setData({ ref: JSON.stringify(res) });
    });
  },
});
