const app = getApp()

Page({
  data: {
    count: 0,
    step: app.globalData.step,
  },
  increment() {
    this.setData({ count: this.data.count + this.data.step })
  },
})
