// Network through the host: request options and tasks, transfers, sockets, limits. `base` is the
// test's loopback server, given in the launch query.
const call = (fn, options) => new Promise((resolve) => fn({ ...options, success: resolve, fail: resolve }));

Page({
  data: { out: '', buttons: ['run'] },
  onLoad(query) {
    this.base = query.base;
    this.all = [query.base, ...query.more.split(',')];
  },
  async tap() {
    const base = this.base;
    const r = {};
    const get = await call(wx.request, { url: `${base}/echo?x=1`, data: { a: 1, b: 'x y' }, header: { 'X-Test': 'yes' } });
    r.get = [get.errMsg, get.statusCode, get.data.method, get.data.query, get.data.test];
    const post = await call(wx.request, { url: `${base}/echo`, method: 'POST', data: { a: [1, 2] } });
    r.post = [post.data.body, post.data.contentType];
    const form = await call(wx.request, { url: `${base}/echo`, method: 'post', data: { a: 1, b: 'é' }, header: { 'content-type': 'application/x-www-form-urlencoded' } });
    r.form = form.data.body;
    const text = await call(wx.request, { url: `${base}/text` });
    r.text = [typeof text.data, text.data];
    const asText = await call(wx.request, { url: `${base}/echo`, dataType: 'text' });
    r.asText = typeof asText.data;
    const bytes = await call(wx.request, { url: `${base}/bytes`, responseType: 'arraybuffer' });
    r.bytes = Array.from(new Uint8Array(bytes.data)).join(',');
    r.timeout = (await call(wx.request, { url: `${base}/slow?ms=4000` })).errMsg;
    const headers = [];
    const aborted = new Promise((resolve) => {
      const task = wx.request({ url: `${base}/slow?ms=3000`, fail: resolve });
      task.onHeadersReceived(() => headers.push('early'));
      setTimeout(() => task.abort(), 100);
    });
    r.abort = (await aborted).errMsg;
    r.headers = await new Promise((resolve) => {
      const task = wx.request({ url: `${base}/echo` });
      task.onHeadersReceived((res) => resolve(res.header['Content-Type']));
    });
    r.denied = (await call(wx.request, { url: 'https://example.com/' })).errMsg;
    r.notHttps = (await call(wx.request, { url: 'ftp://127.0.0.1/' })).errMsg;
    const many = await Promise.all(Array.from({ length: 14 }, (_, i) => call(wx.request, { url: `${this.all[i % 3]}/slow?ms=300&count=1&i=${i}` })));
    r.many = many.filter((res) => res.statusCode === 200).length;
    r.maxConcurrent = (await call(wx.request, { url: `${base}/stats` })).data.max;
    const progress = [];
    const download = await new Promise((resolve) => {
      const task = wx.downloadFile({ url: `${base}/file.png`, success: resolve, fail: resolve });
      task.onProgressUpdate((res) => progress.push(res.progress));
    });
    r.download = [download.errMsg, download.statusCode, /^wxfile:\/\/tmp_.*\.png$/.test(download.tempFilePath), progress[progress.length - 1]];
    r.downloadedSize = wx.getFileSystemManager().statSync(download.tempFilePath).size;
    const upload = await call(wx.uploadFile, { url: `${base}/upload`, filePath: download.tempFilePath, name: 'photo', formData: { note: 'hi' } });
    r.upload = [upload.errMsg, upload.statusCode, JSON.parse(upload.data)];
    r.socket = await new Promise((resolve) => {
      const events = [];
      const socket = wx.connectSocket({ url: `${base.replace('http', 'ws')}/ws` });
      socket.onOpen(() => {
        events.push('open');
        socket.send({ data: 'ping', success: (res) => events.push(res.errMsg) });
      });
      socket.onMessage((res) => {
        events.push(`message:${res.data}`);
        socket.close({ code: 1000, reason: 'done' });
      });
      socket.onClose((res) => {
        events.push(`close:${res.code}`);
        resolve(events);
      });
    });
    r.legacy = await new Promise((resolve) => {
      wx.connectSocket({ url: `${base.replace('http', 'ws')}/ws` });
      wx.onSocketOpen(() => wx.sendSocketMessage({ data: 'legacy' }));
      wx.onSocketMessage((res) => {
        wx.closeSocket();
        resolve(res.data);
      });
    });
    this.setData({ out: JSON.stringify(r) });
  },
});
