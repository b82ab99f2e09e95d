// A promise library's own "unhandledrejection" event (bluebird 3 dispatches a CustomEvent with the reason
// in `detail`, and logs the rejection itself when nobody cancels it) is not the engine's: only a native
// rejection reaches wx.onUnhandledRejection.
Page({
  data: { result: '' },
  onLoad() {
    const heard = [];
    wx.onUnhandledRejection((res) => heard.push(String(res.reason && res.reason.message)));
    const event = new global.CustomEvent('unhandledrejection', { cancelable: true, detail: { reason: new Error('from a library'), promise: null } });
    const cancelled = !global.dispatchEvent(event);
    Promise.reject(new Error('native'));
    setTimeout(() => this.setData({ result: `${cancelled} ${heard.join(',')}` }), 200);
  },
});
