Page({
  data: { state: '' },
  onLoad() {
    // Another page: the same player goes on playing.
    wx.getBackgroundAudioPlayerState().then((res) => this.setData({ state: 'status ' + res.status + ' ' + res.dataUrl }))
  },
  pause() {
    wx.pauseBackgroundAudio()
    wx.getBackgroundAudioManager().onPause(() => {
      wx.getBackgroundAudioPlayerState().then((res) => this.setData({ state: 'status ' + res.status + ' ' + res.dataUrl }))
    })
  },
})
