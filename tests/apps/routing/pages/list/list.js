const rows = []
for (let i = 0; i < 40; i++) rows.push(i)
Page({
  data: { rows, bottom: 0, refresh: 0, scrolled: 'no', seen: '' },
  onReady() {
    this.observer = wx.createIntersectionObserver(this).relativeToViewport()
    this.observer.observe('#end', (res) => this.setData({ seen: this.data.seen + (res.intersectionRatio > 0 ? 'in;' : 'out;') }))
  },
  onUnload() { this.observer.disconnect() },
  toTop() { wx.pageScrollTo({ scrollTop: 0, duration: 0 }) },
  onReachBottom() { this.setData({ bottom: this.data.bottom + 1 }) },
  onPageScroll(e) { if (e.scrollTop > 0) this.setData({ scrolled: 'yes' }) },
  onPullDownRefresh() {
    this.setData({ refresh: this.data.refresh + 1 })
    wx.stopPullDownRefresh()
  },
  decorate() {
    wx.setNavigationBarTitle({ title: 'Decorated' })
    wx.setNavigationBarColor({ frontColor: '#000000', backgroundColor: '#ff0000' })
    wx.showNavigationBarLoading()
  },
  refreshByApi() { wx.startPullDownRefresh() },
  toCustom() { wx.redirectTo({ url: '/pages/custom/custom' }) },
})
