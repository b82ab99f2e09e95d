Page({
  bump() {
    this.selectComponent('#box').bump()
  },
})
