// wx.getRecorderManager with the host's microphone (Chromium's fake one plays a beep).
const recorder = wx.getRecorderManager();

Page({
  data: { status: 'waiting', events: '', result: '', legacy: '' },
  onLoad() {
    const note = (name) => () => this.setData({ events: `${this.data.events}${name};` });
    recorder.onStart(note('start'));
    recorder.onPause(note('pause'));
    recorder.onResume(note('resume'));
    recorder.onError((res) => this.setData({ events: `${this.data.events}error:${res.errMsg};` }));
    recorder.onStop((res) => {
      const fs = wx.getFileSystemManager();
      const bytes = new Uint8Array(fs.readFileSync(res.tempFilePath));
      const head = String.fromCharCode(...bytes.slice(0, 4));
      const kind = res.tempFilePath.split('.').pop();
      this.setData({
        events: `${this.data.events}stop;`,
        result: [kind, head, res.fileSize === bytes.length, fs.statSync(res.tempFilePath).size === res.fileSize, res.duration > 300 && res.duration < 5000].join(' '),
      });
    });
    this.setData({ status: 'ready' });
  },
  recordWav() {
    recorder.start({ format: 'wav', duration: 10000, sampleRate: 16000, numberOfChannels: 1 });
  },
  recordAac() {
    recorder.start({ duration: 600 });
  },
  pause() {
    recorder.pause();
  },
  resume() {
    recorder.resume();
  },
  stop() {
    recorder.stop();
  },
  // WeChat's first recording and voice APIs: the file comes to startRecord's success once stopRecord
  // ends it, and playVoice's success once it has played.
  legacyRecord() {
    wx.startRecord({
      success: (res) => {
        this.voice = res.tempFilePath;
        this.setData({ legacy: `${res.errMsg} ${wx.getFileSystemManager().statSync(res.tempFilePath).size > 0}` });
      },
      fail: (res) => this.setData({ legacy: res.errMsg }),
    });
  },
  legacyStop() {
    wx.stopRecord();
  },
  playVoice() {
    wx.playVoice({ filePath: this.voice, complete: (res) => this.setData({ legacy: `${this.data.legacy} ${res.errMsg}` }) });
  },
});
