// The victim: keeps a secret in its storage and in a file, which the hostile app tries to read.
const SECRET = 'VICTIM-SECRET-5f1c';

Page({
  data: { status: 'saving', secret: '' },
  onLoad() {
    // What another app may have tried to write over it (tests/hostile: the bridge attempts).
    const before = wx.getStorageSync('victim-secret');
    wx.setStorageSync('victim-secret', SECRET);
    const fs = wx.getFileSystemManager();
    fs.writeFile({
      filePath: `${wx.env.USER_DATA_PATH}/secret.txt`,
      data: SECRET,
      encoding: 'utf8',
      success: () => this.setData({ status: 'saved', secret: String(before || '') }),
      fail: (res) => this.setData({ status: `failed: ${res.errMsg}` }),
    });
  },
});
