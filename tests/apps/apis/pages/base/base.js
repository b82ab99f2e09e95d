// Base, unsupported APIs, open APIs: every answer goes into #out as JSON.
Page({
  data: { out: '' },
  async onLoad() {
    const r = {};
    const info = wx.getSystemInfoSync();
    r.info = [typeof info.windowWidth, typeof info.pixelRatio, info.SDKVersion, info.brand, typeof info.safeArea];
    r.window = Object.keys(wx.getWindowInfo()).includes('windowHeight');
    const menu = wx.getMenuButtonBoundingClientRect();
    r.menu = menu.width > 0 && menu.bottom - menu.top === menu.height && menu.right <= info.screenWidth;
    r.async = (await wx.getSystemInfo()).errMsg;
    r.canIUse = ['request', 'login', 'noSuchApi', 'SocketTask.onOpen', 'view', 'getSystemInfoSync.return.screenWidth', 'showToast.object.image', 'fancy-widget', 'scroll-view.scroll-x', 'live-pusher'].map((s) => wx.canIUse(s));
    r.b64 = wx.arrayBufferToBase64(new Uint8Array([104, 117, 116, 111, 110, 103]).buffer);
    r.back = Array.from(new Uint8Array(wx.base64ToArrayBuffer('aHV0b25n'))).join(',');
    r.env = wx.env.USER_DATA_PATH;
    r.network = [typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts];
    r.unknown = await new Promise((resolve) => wx.updateWeChatApp({ fail: (res) => resolve(res.errMsg) }));
    r.unknownPromise = await wx.updateWeChatApp().catch((res) => res.errMsg);
    // A name WeChat does not have is absent, and an SDK may keep its own state there.
    r.absent = typeof wx.noSuchApi;
    if (wx.Queue === undefined) wx.Queue = { items: [] };
    wx.Queue.items.push(1);
    r.sdkSlot = wx.Queue.items.length;
    r.setting = await wx.getSetting();
    r.subscribe = await wx.requestSubscribeMessage({ tmplIds: ['t1'] }).catch((res) => res);
    r.update = await new Promise((resolve) => wx.getUpdateManager().onCheckForUpdate(resolve));
    r.completeOrder = await new Promise((resolve) => {
      const seen = [];
      wx.getSystemInfo({ success: () => seen.push('success'), complete: () => { seen.push('complete'); resolve(seen.join(',')); } });
    });
    const animation = wx.createAnimation({ duration: 200 });
    r.animation = animation.translateX(10).opacity(0.5).step().rotate(45).step({ duration: 100 }).export();
    console.log('hello from the app', { n: 1 });
    this.setData({ out: JSON.stringify(r) });
  },
});
