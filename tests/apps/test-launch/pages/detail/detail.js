const app = getApp()

Page({
  data: { taps: 0, from: '', events: '' },
  onLoad(query) {
    this.setData({ from: query.from || '' })
  },
  onShow() {
    this.setData({ events: app.globalData.events.join(' ') })
  },
  tap() {
    this.setData({ taps: this.data.taps + 1 })
  },
})
