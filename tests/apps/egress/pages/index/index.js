// A mini program whose server sends no CORS headers: its origin is on the app's proxy list, so the
// host relays every call through the platform. `base` (the test's loopback back end) comes in the query.
// A failed call still resolves (with its errMsg and no data), so one refusal does not stop the page.
const call = (fn, options) => new Promise((resolve) => fn({ ...options, success: resolve, fail: (res) => resolve({ ...res, data: { headers: {} } }) }));

Page({
  data: { out: '' },
  onLoad(query) {
    this.base = query.base;
  },
  async run() {
    const base = this.base;
    const r = {};
    const get = await call(wx.request, { url: `${base}/echo?x=1`, data: { a: 1 }, header: { 'X-Test': 'yes', Authorization: 'Bearer app-own' } });
    r.get = [get.errMsg, get.statusCode, get.data.method, get.data.query, get.data.headers['x-test'], get.data.headers.authorization, get.data.headers.cookie || ''];
    const post = await call(wx.request, { url: `${base}/echo`, method: 'POST', data: { a: [1, 2] } });
    r.post = [post.statusCode, post.data.body, post.data.headers['content-type']];
    const hop = await call(wx.request, { url: `${base}/redirect?to=${encodeURIComponent(`${base}/echo?hop=1`)}` });
    r.redirect = [hop.statusCode, hop.data.query];
    const cookie = await call(wx.request, { url: `${base}/cookie` });
    r.cookie = [cookie.statusCode, cookie.data];
    const fs = wx.getFileSystemManager();
    fs.writeFileSync(`${wx.env.USER_DATA_PATH}/note.txt`, 'hello proxy', 'utf8');
    const upload = await call(wx.uploadFile, { url: `${base}/upload`, filePath: `${wx.env.USER_DATA_PATH}/note.txt`, name: 'photo', formData: { note: 'hi' } });
    r.upload = [upload.errMsg, upload.statusCode, JSON.parse(typeof upload.data === 'string' ? upload.data : '{}')];
    const download = await call(wx.downloadFile, { url: `${base}/big?n=1000` });
    r.download = [download.errMsg, download.statusCode, download.tempFilePath ? fs.statSync(download.tempFilePath).size : 0];
    this.setData({ out: JSON.stringify(r) });
  },
});
