const app = getApp()

// Every page registers the listeners, as music and reading apps do.
function listen(page) {
  const log = (name) => () => {
    app.globalData.events.push(name)
    page.setData({ events: app.globalData.events.join(' ') })
  }
  wx.onBackgroundAudioPlay(log('play'))
  wx.onBackgroundAudioPause(log('pause'))
  wx.onBackgroundAudioStop(log('stop'))
}

Page({
  data: { events: '', state: '', result: '' },
  onLoad() {
    listen(this)
    wx.getBackgroundAudioPlayerState({ success: (res) => this.setData({ state: 'status ' + res.status }) })
  },
  play() {
    wx.playBackgroundAudio({ dataUrl: '/audio/tone.wav', title: 'Tone', coverImgUrl: '' }).then((res) => this.setData({ result: res.errMsg }))
  },
  pause() {
    wx.pauseBackgroundAudio()
  },
  seek() {
    wx.seekBackgroundAudio({ position: 1, success: (res) => this.setData({ result: res.errMsg }) })
  },
  stop() {
    wx.stopBackgroundAudio()
  },
  state() {
    wx.getBackgroundAudioPlayerState().then((res) => {
      this.setData({ state: ['status ' + res.status, res.dataUrl, res.duration].join(' ') })
    })
  },
  bad() {
    wx.playBackgroundAudio({}).catch((res) => this.setData({ result: res.errMsg }))
  },
  next() {
    wx.navigateTo({ url: '/pages/next/next' })
  },
})
