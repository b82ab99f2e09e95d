Page({
  data: { status: 'waiting', photo: '', info: '', loaded: '', record: '', thumb: '', zoom: '', video: '' },
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
    camera.setZoom({ zoom: 2, fail: (res) => this.setData({ zoom: res.errMsg }) });
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
  record() {
    const camera = wx.createCameraContext();
    camera.startRecord({
      success: () => setTimeout(() => camera.stopRecord({
        success: (res) => {
          this.setData({ thumb: res.tempThumbPath });
          wx.getVideoInfo({
            src: res.tempVideoPath,
            success: (v) => this.setData({ video: `${v.errMsg} ${v.type} ${v.width}x${v.height} ${Number.isFinite(v.duration) && v.duration > 0} ${v.size > 0} ${v.bitrate > 0}` }),
            fail: (err) => this.setData({ video: err.errMsg }),
          });
          wx.getFileInfo({
            filePath: res.tempVideoPath,
            success: (info) => this.setData({ record: `${res.errMsg} ${/^wxfile:\/\/tmp_\w+\.webm$/.test(res.tempVideoPath)} ${info.size > 1000 ? 'bytes' : 'empty'}` }),
            fail: (err) => this.setData({ record: err.errMsg }),
          });
        },
        fail: (err) => this.setData({ record: err.errMsg }),
      }), 1200),
      fail: (err) => this.setData({ record: err.errMsg }),
    });
  },
  // A recording left running: another page covering this one ends it, and timeoutCallback gets it.
  longRecord() {
    wx.createCameraContext().startRecord({
      timeout: 30,
      timeoutCallback: (res) => {
        wx.getFileInfo({
          filePath: res.tempVideoPath,
          success: (info) => this.setData({ record: `ended ${/^wxfile:\/\/tmp_\w+\.webm$/.test(res.tempVideoPath)} ${info.size > 1000 ? 'bytes' : 'empty'} ${/^wxfile:\/\/tmp_\w+\.jpg$/.test(res.tempThumbPath)}` }),
          fail: (err) => this.setData({ record: err.errMsg }),
        });
      },
      success: () => this.setData({ record: 'recording' }),
      fail: (err) => this.setData({ record: err.errMsg }),
    });
  },
  next() {
    wx.navigateTo({ url: '/pages/other/other' });
  },
  onThumbLoad(e) {
    this.setData({ thumbLoaded: `${e.detail.width}x${e.detail.height}` });
  },
  onPhotoLoad(e) {
    if (e && e.detail && e.detail.width) this.setData({ loaded: `${e.detail.width}x${e.detail.height}` });
  },
});
