Page({
  data: {
    services: getApp().globalData.services,
  },

  onBook(event) {
    wx.navigateTo({ url: `/pages/appointment/appointment?service=${event.currentTarget.dataset.id}` })
  },

  onDeclare() {
    wx.navigateTo({ url: '/declare/pages/form/form' })
  },

  onProgress() {
    wx.navigateTo({ url: '/pages/progress/progress' })
  },
})
