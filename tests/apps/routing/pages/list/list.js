const rows = []
for (let i = 0; i < 40; i++) rows.push(i)
Page({
  data: { rows, bottom: 0, refresh: 0, scrolled: 'no' },
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
