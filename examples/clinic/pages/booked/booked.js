Page({
  data: {
    booking: null,
  },

  onLoad() {
    this.setData({ booking: wx.getStorageSync('consultation') || null })
  },

  onReport() {
    // The report template is long-term (medical): "always keep" means it is asked once.
    wx.requestSubscribeMessage({
      tmplIds: ['consultation-report'],
      success: (res) => {
        const on = res['consultation-report'] === 'accept'
        wx.showToast({ title: on ? '已订阅 Subscribed' : '未订阅 Not subscribed', icon: 'none' })
      },
    })
  },

  onHome() {
    wx.reLaunch({ url: '/pages/doctors/doctors' })
  },
})
