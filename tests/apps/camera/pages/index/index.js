Page({
  data: { status: 'waiting', photo: '', info: '', loaded: '', record: '' },
  onInit(e) {
    this.setData({ status: `initdone ${e.type}` });
  },
  onError(e) {
    this.setData({ status: `error ${e.detail.errMsg}` });
  },
  onStop() {
    this.setData({ status: 'stop' });
  },
  shoot() {
    const camera = wx.createCameraContext();
    camera.startRecord({ fail: (res) => this.setData({ record: res.errMsg }) });
    camera.takePhoto({
      quality: 'high',
      success: (res) => {
        this.setData({ photo: res.tempImagePath });
        wx.getFileInfo({
          filePath: res.tempImagePath,
          success: (info) => this.setData({ info: `${res.errMsg} ${info.size > 1000 ? 'bytes' : 'empty'}` }),
          fail: (err) => this.setData({ info: err.errMsg }),
        });
      },
      fail: (res) => this.setData({ info: res.errMsg }),
    });
  },
  onPhotoLoad(e) {
    if (e && e.detail && e.detail.width) this.setData({ loaded: `${e.detail.width}x${e.detail.height}` });
  },
});
