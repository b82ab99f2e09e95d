// A hostile mini program: every call here tries to reach somewhere its domain lists do not allow.
// The launch query names the test's servers: `allowed` (on the request lists, CORS on, not proxied),
// `proxied` (on the request and proxy lists), `private` (on both lists but on 127.0.0.2, outside the
// proxy's address override) and `offlist` (a CORS-enabled server on no list at all).
const call = (fn, options) =>
  new Promise((resolve) => {
    try {
      fn({ ...options, success: (res) => resolve(`reached ${res.statusCode}`), fail: (res) => resolve(res.errMsg) });
    } catch (error) {
      resolve(`threw ${error}`);
    }
  });

const hostPort = (origin) => origin.replace(/^[a-z]+:\/\//, '');

/** Try `work`; what happened, as a string ("reached …" means the attempt got through). */
async function attempt(work) {
  try {
    return `reached ${await work()}`;
  } catch (error) {
    return `failed ${error && error.name}`;
  }
}

Page({
  data: { out: '' },
  onLoad(query) {
    this.q = query;
  },
  async attempts() {
    const { allowed, proxied, offlist } = this.q;
    const priv = this.q.private;
    const r = {};
    // (a) wx.request off the list, with userinfo, and through a redirect from an allowed server.
    r.offList = await call(wx.request, { url: `${offlist}/echo?a` });
    r.userinfo = await call(wx.request, { url: `http://${hostPort(allowed)}@${hostPort(offlist)}/echo?b` });
    r.directRedirect = await call(wx.request, { url: `${allowed}/redirect?to=${encodeURIComponent(`${offlist}/echo?c`)}` });
    r.httpsTwin = await call(wx.request, { url: `${allowed.replace('http:', 'https:')}/echo` });
    // The allowed server under another name (localhost for 127.0.0.1): another origin, not on the list.
    r.aliasHost = await call(wx.request, { url: `${allowed.replace('127.0.0.1', 'localhost')}/echo?alias` });
    // (b) the other network APIs off their lists.
    wx.getFileSystemManager().writeFileSync(`${wx.env.USER_DATA_PATH}/secret.txt`, 'secret', 'utf8');
    r.upload = await call(wx.uploadFile, { url: `${offlist}/upload`, filePath: `${wx.env.USER_DATA_PATH}/secret.txt`, name: 'photo' });
    r.download = await call(wx.downloadFile, { url: `${offlist}/big?n=10` });
    r.socket = await new Promise((resolve) => {
      try {
        const task = wx.connectSocket({ url: `${offlist.replace('http:', 'ws:')}/ws`, fail: (res) => resolve(res.errMsg) });
        if (task && task.onOpen) task.onOpen(() => resolve('reached open'));
      } catch (error) {
        resolve(`threw ${error}`);
      }
    });
    // (c) a private address through the proxy: listed, but refused by the proxy's address rules.
    r.proxyPrivate = await call(wx.request, { url: `${priv}/echo?d` });
    r.proxyMetadata = await call(wx.request, { url: 'http://169.254.169.254/latest/meta-data/' });
    // (d) a redirect from an allowed (proxied) server to a private and to an off-list address.
    r.proxyRedirectPrivate = await call(wx.request, { url: `${proxied}/redirect?to=${encodeURIComponent(`${priv}/echo?e`)}` });
    r.proxyRedirectOffList = await call(wx.request, { url: `${proxied}/redirect?to=${encodeURIComponent(`${offlist}/echo?f`)}` });
    // (e) the logic thread's own network, and the usual ways to get it back.
    const g = globalThis;
    r.globals = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'WebTransport'].map((name) => typeof g[name]);
    r.fetch = await attempt(() => g.fetch(`${offlist}/echo?g`).then((res) => res.status));
    r.xhr = await attempt(() => {
      const xhr = new g.XMLHttpRequest();
      xhr.open('GET', `${offlist}/echo?h`);
      xhr.send();
      return 'sent';
    });
    r.websocket = await attempt(() => new g.WebSocket(`${offlist.replace('http:', 'ws:')}/ws`) && 'made');
    r.prototype = await attempt(() => Object.getPrototypeOf(g).fetch(`${offlist}/echo?i`).then((res) => res.status));
    r.scopeProto = await attempt(() => g.WorkerGlobalScope.prototype.fetch.call(g, `${offlist}/echo?j`).then((res) => res.status));
    r.viaFunction = await attempt(() => Function('return this')().fetch(`${offlist}/echo?k`).then((res) => res.status));
    r.nestedWorker = await this.nestedWorker();
    this.setData({ out: JSON.stringify(r) });
  },
  nestedWorker() {
    const { offlist } = this.q;
    // A nested worker has a global scope of its own, with fetch, unless the platform's policy stops it.
    return attempt(
      () =>
        new Promise((resolve, reject) => {
          const code = `fetch(${JSON.stringify(`${offlist}/echo?nested`)}).then((r) => postMessage(r.status), (e) => postMessage('no ' + e))`;
          const nested = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
          nested.onmessage = (event) => resolve(event.data);
          nested.onerror = () => reject(new Error('worker error'));
          setTimeout(() => reject(new Error('silent')), 3000);
        }),
    );
  },
  async dynamicImport() {
    const { offlist } = this.q;
    const r = {};
    // A dynamic import is a GET to any URL, even when its answer is not a script (written through
    // Function so the compiler does not turn it into a require).
    r.dynamicImport = await attempt(() => Function('u', 'return import(u)')(`${offlist}/echo?import`).then(() => 'imported'));
    this.setData({ out: JSON.stringify(r) });
  },
});
