Page({
  data: { events: '', result: '', device: '' },
  onLoad() {
    const log = (line) => this.setData({ device: `${this.data.device}${line};` });
    wx.onKeyDown((res) => log(`down:${res.key}:${res.code}:${typeof res.timeStamp}`));
    wx.onKeyUp((res) => log(`up:${res.key}`));
    wx.onNetworkWeakChange((res) => log(`weak:${res.weakNet}:${res.networkType}`));
    this.log = log;
  },
  buffer() {
    // A 1×1 PNG from bytes the app holds, shown by <image> through createBufferURL.
    const png = wx.base64ToArrayBuffer('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==');
    const url = wx.createBufferURL(png);
    this.bufferUrl = url;
    this.setData({ bufferUrl: url });
    this.log(`buffer:${url.startsWith('wxfile://tmp_')}:${url.endsWith('.png')}:${wx.getFileSystemManager().statSync(url).size}`);
  },
  bufferLoaded(event) {
    this.log(`loaded:${event.detail.width}x${event.detail.height}`);
    wx.revokeBufferURL(this.bufferUrl);
    let gone = false;
    try {
      wx.getFileSystemManager().accessSync(this.bufferUrl);
    } catch (error) {
      gone = true;
    }
    this.log(`revoked:${gone}`);
  },
  pinned() {
    wx.checkIsAddedToMyMiniProgram({ success: (res) => this.log(`added:${res.isAdded}`), fail: (res) => this.log(res.errMsg) });
  },
  save() {
    const fs = wx.getFileSystemManager();
    const filePath = `${wx.env.USER_DATA_PATH}/note.txt`;
    fs.writeFileSync(filePath, 'hello disk', 'utf8');
    wx.saveFileToDisk({ filePath, success: (res) => this.log(res.errMsg), fail: (res) => this.log(res.errMsg) });
  },
  go() {
    wx.navigateTo({ url: '/pages/next/next?x=1' });
  },
  show() {
    this.setData({ events: getApp().globalData.events.join('|') });
  },
  async extras() {
    const out = {};
    out.idle = await new Promise((resolve) => {
      const cancelled = wx.requestIdleCallback(() => resolve('cancelled one ran'));
      wx.cancelIdleCallback(cancelled);
      wx.requestIdleCallback((deadline) => resolve({ didTimeout: deadline.didTimeout, budget: deadline.timeRemaining() > 0 && deadline.timeRemaining() <= 50 }));
    });
    out.ua = (await wx.getRendererUserAgent()).userAgent.includes('Chrome');
    out.skyline = wx.getSkylineInfoSync();
    out.skylineAsync = (await wx.getSkylineInfo()).isSupported;
    out.category = wx.getApiCategory();
    out.privacy = await wx.getPrivacySetting();
    out.authorize = (await wx.requirePrivacyAuthorize()).errMsg;
    out.benchmark = Object.keys(await wx.getDeviceBenchmarkInfo()).sort();
    out.pip = wx.checkIsPictureInPictureActive();
    out.audioOption = (await wx.setInnerAudioOption({ mixWithOther: true })).errMsg;
    out.sources = (await wx.getAvailableAudioSources()).audioSources;
    out.canIUse = ['onAppRoute', 'requestIdleCallback', 'getSkylineInfoSync', 'onAudioInterruptionBegin'].map((name) => wx.canIUse(name));
    this.setData({ result: JSON.stringify(out) });
  },
});
