Page({
  data: { n: 0, depth: 0, fail: '' },
  onLoad(query) {
    this.chained = query.chain === '1'
    this.setData({ n: Number(query.n), depth: getCurrentPages().length })
  },
  onReady() {
    if (this.chained) this.chain()
  },
  chain() {
    wx.navigateTo({ url: 'deep?chain=1&n=' + (this.data.n + 1), fail: (e) => this.setData({ fail: e.errMsg }) })
  },
  home() { wx.switchTab({ url: '/pages/home/home' }) },
})
