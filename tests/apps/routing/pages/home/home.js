Page({
  data: { loads: 0, result: '' },
  onLoad() { this.setData({ loads: this.data.loads + 1 }) },
  toTab() { wx.navigateTo({ url: '/pages/mine/mine', fail: (e) => this.setData({ result: e.errMsg }) }) },
  toMissing() { wx.navigateTo({ url: '/pages/nope/nope', fail: (e) => this.setData({ result: e.errMsg }) }) },
})
