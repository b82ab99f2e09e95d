const round = (n) => Math.round(n * 100) / 100

Page({
  data: { battery: '', batteryChange: '', acc: '', gyro: '', compass: '', motion: '', result: '', heard: 0 },
  onLoad() {
    const now = wx.getBatteryInfoSync()
    wx.getBatteryInfo().then((res) => this.setData({ battery: [now.level, now.isCharging, res.errMsg, res.level, res.isCharging].join(' ') }))
    wx.onBatteryInfoChange((res) => this.setData({ batteryChange: res.level + ' ' + res.isCharging }))
    this.onAcc = (res) => this.setData({ acc: [res.x, res.y, res.z].map(round).join(','), heard: this.data.heard + 1 })
    wx.onAccelerometerChange(this.onAcc)
    wx.onGyroscopeChange((res) => this.setData({ gyro: [res.x, res.y, res.z].map(round).join(',') }))
    wx.onCompassChange((res) => this.setData({ compass: round(res.direction) + ' ' + res.accuracy }))
    wx.onDeviceMotionChange((res) => this.setData({ motion: [res.alpha, res.beta, res.gamma].join(',') }))
  },
  start() {
    Promise.all([
      wx.startAccelerometer({ interval: 'game' }),
      wx.startGyroscope({ interval: 'game' }),
      wx.startCompass(),
      wx.startDeviceMotionListening({ interval: 'game' }),
    ]).then((all) => this.setData({ result: all.map((r) => r.errMsg).join(' ') }))
  },
  offAcc() {
    wx.offAccelerometerChange(this.onAcc)
    this.setData({ result: 'off' })
  },
  stop() {
    wx.stopGyroscope({ success: (res) => this.setData({ result: res.errMsg }) })
  },
})
