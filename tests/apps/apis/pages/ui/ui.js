// Host-drawn interaction: each button shows one thing; the answer lands in #out.
Page({
  data: { out: '', buttons: ['toast', 'loading', 'modal', 'editable', 'sheet', 'choose', 'preview', 'call', 'clipboard', 'location', 'openLocation', 'scan', 'animate', 'video', 'document'] },
  show(out) {
    this.setData({ out: typeof out === 'string' ? out : JSON.stringify(out) });
  },
  tap(event) {
    const name = event.currentTarget.dataset.name;
    const done = (res) => this.show(res);
    switch (name) {
      case 'toast':
        wx.showToast({ title: 'Saved', icon: 'success', duration: 60000, success: done });
        break;
      case 'loading':
        wx.showLoading({ title: 'Wait', mask: true });
        setTimeout(() => wx.hideLoading({ success: done }), 300);
        break;
      case 'modal':
        wx.showModal({ title: 'Delete?', content: 'It goes for good', confirmText: '删除', confirmColor: '#ff0000', success: done });
        break;
      case 'editable':
        wx.showModal({ title: 'Name', editable: true, placeholderText: 'your name', success: done });
        break;
      case 'sheet':
        wx.showActionSheet({ itemList: ['A', 'B', 'C'], success: done, fail: done });
        break;
      case 'choose':
        wx.chooseImage({ count: 1 }).then(async (res) => {
          const info = await wx.getImageInfo({ src: res.tempFilePaths[0] });
          const small = await wx.compressImage({ src: res.tempFilePaths[0], quality: 50, compressedWidth: 2 });
          const smallInfo = await wx.getImageInfo({ src: small.tempFilePath });
          this.path = res.tempFilePaths[0];
          this.setData({ photo: this.path });
          done({ errMsg: res.errMsg, size: res.tempFiles[0].size, width: info.width, height: info.height, type: info.type, small: [smallInfo.width, smallInfo.height] });
        }, done);
        break;
      case 'preview':
        wx.previewImage({ urls: [this.path], success: done });
        break;
      case 'call':
        wx.makePhoneCall({ phoneNumber: '10086', success: done, fail: done });
        break;
      case 'clipboard':
        wx.setClipboardData({ data: 'copied text' }).then(() => wx.getClipboardData()).then(done, done);
        break;
      case 'location':
        wx.getLocation({ type: 'wgs84' }).then((res) => done([res.errMsg, res.latitude, res.longitude]), done);
        break;
      case 'openLocation':
        wx.openLocation({ latitude: 39.9, longitude: 116.4, name: 'Hutong', success: done });
        break;
      case 'animate': {
        const animation = wx.createAnimation({ duration: 50, timingFunction: 'ease' });
        animation.translateX(30).step().translateX(30).scale(2).opacity(0.5).step({ duration: 50 });
        this.setData({ anim: animation.export() });
        break;
      }
      case 'video':
        wx.chooseVideo({
          success: (res) => {
            const same = wx.getBackgroundAudioManager() === wx.getBackgroundAudioManager();
            done([res.errMsg, res.size, /^wxfile:\/\/tmp_.*\.mp4$/.test(res.tempFilePath), wx.getFileSystemManager().statSync(res.tempFilePath).size, same]);
          },
          fail: done,
        });
        break;
      case 'document':
        wx.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf'] }).then(async (res) => {
          const file = res.tempFiles[0];
          const odd = await wx.openDocument({ filePath: file.path, fileType: 'txt' }).catch((r) => r.errMsg);
          const opened = await wx.openDocument({ filePath: file.path, fileType: 'pdf' });
          const size = wx.getFileSystemManager().statSync(file.path).size;
          done([res.errMsg, file.name, file.type, file.size, size, odd, opened.errMsg]);
        }, done);
        break;
      case 'scan':
        wx.scanCode({ onlyFromCamera: false }).then((res) => done([res.errMsg, res.result, res.scanType]), done);
        break;
      default:
        break;
    }
  },
});
