Page({
  onShow() { this.getTabBar().setData({ selected: 'two' === 'one' ? 0 : 1 }) },
})
