Page({
  onShow() { this.getTabBar().setData({ selected: 'one' === 'one' ? 0 : 1 }) },
})
