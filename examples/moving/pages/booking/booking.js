Page({
  data: {
    total: 0,
    name: '',
    phone: '',
    booked: false,
    bookingId: '',
  },

  onLoad(query) {
    this.setData({ total: Number(query.total) || 0 })
  },

  onSubmit(event) {
    const { name, phone } = event.detail.value
    if (!name || !/^1\d{10}$/.test(phone)) {
      wx.showModal({ title: '请检查 Check', content: '请填写姓名和 11 位手机号 Name and an 11-digit phone', showCancel: false })
      return
    }
    const booking = {
      id: 'M' + Date.now(),
      name,
      phone,
      total: this.data.total,
      inquiry: getApp().globalData.inquiry,
    }
    const all = wx.getStorageSync('bookings') || []
    wx.setStorageSync('bookings', [booking, ...all])
    this.setData({ booked: true, bookingId: booking.id, name, phone })
  },
})
