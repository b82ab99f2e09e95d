// Another app's storage and files (tests/hostile/apps/victim keeps a secret in both): each read fails.
const { runAll } = require('../../utils/attempts.js');

const SECRET = 'VICTIM-SECRET-5f1c';

function judge(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.includes(SECRET) ? `ESCAPED: ${text}` : `blocked: ${String(text).slice(0, 80)}`;
}

function fsCall(method, options) {
  return new Promise((resolve, reject) => wx.getFileSystemManager()[method]({ ...options, success: resolve, fail: reject }));
}

Page({
  data: { results: [], done: false },
  onLoad() {
    runAll(this, [
      ['storage-key', () => judge(wx.getStorageSync('victim-secret'))],
      ['storage-keys', () => judge(wx.getStorageInfoSync().keys)],
      ['storage-async', () => wx.getStorage({ key: 'victim-secret' }).then((res) => judge(res.data))],
      ['file-same-path', () => fsCall('readFile', { filePath: 'wxfile://usr/secret.txt', encoding: 'utf8' }).then((res) => judge(res.data))],
      ['file-traversal', () => fsCall('readFile', { filePath: 'wxfile://usr/../../test-hostile-victim/usr/secret.txt', encoding: 'utf8' }).then((res) => judge(res.data))],
      ['file-listing', () => fsCall('readdir', { dirPath: 'wxfile://usr' }).then((res) => judge(res.files))],
      ['saved-files', () => new Promise((resolve, reject) => wx.getSavedFileList({ success: resolve, fail: reject })).then((res) => judge(res.fileList))],
      ['host-indexeddb', () => judge(typeof indexedDB === 'undefined' ? 'no indexedDB' : indexedDB.open('hutong-apps') && 'opened')],
    ]);
  },
});
