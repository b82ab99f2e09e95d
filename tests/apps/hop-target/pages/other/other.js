Page({
  data: { referrer: '' },
  onLoad() {
    const launch = wx.getLaunchOptionsSync()
    this.setData({ referrer: launch.scene + ':' + JSON.stringify(launch.referrerInfo) })
  },
})
