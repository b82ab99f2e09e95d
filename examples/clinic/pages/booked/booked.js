Page({
  data: {
    booking: null,
  },

  onLoad() {
    this.setData({ booking: wx.getStorageSync('consultation') || null })
  },

  onHome() {
    wx.reLaunch({ url: '/pages/doctors/doctors' })
  },
})
