Page({
  data: { taps: 0 },
  tapped() {
    this.setData({ taps: this.data.taps + 1 })
  },
})
