Page({
  data: { taps: '' },
  onTabItemTap(item) { this.setData({ taps: this.data.taps + item.index + ':' + item.pagePath + ';' }) },
  toList() { wx.navigateTo({ url: '../list/list' }) },
})
