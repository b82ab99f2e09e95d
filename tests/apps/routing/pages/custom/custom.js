Page({
  data: { depth: 0 },
  onLoad() { this.setData({ depth: getCurrentPages().length }) },
  relaunch() { wx.reLaunch({ url: '/pages/deep/deep?n=1' }) },
})
