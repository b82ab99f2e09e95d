const { api } = require('../../config.js')

Page({
  data: {
    doctor: null,
    times: ['今天 19:00', '今天 20:00', '明天 09:00', '明天 10:00'],
    time: 0,
    symptoms: '',
  },

  onLoad(query) {
    const doctor = getApp().globalData.doctors.find((item) => item.id === query.id)
    this.setData({ doctor })
  },

  onTime(event) {
    this.setData({ time: Number(event.detail.value) })
  },

  onSymptoms(event) {
    this.setData({ symptoms: event.detail.value })
  },

  onBook() {
    const { doctor, times, time, symptoms } = this.data
    if (symptoms.trim().length < 4) {
      wx.showToast({ title: '请描述症状 Describe your symptoms', icon: 'none' })
      return
    }
    // Ask inside the tap, then tell the clinic's back end, which sends the reminder before the visit
    // (with the patient's openid, from the wx.login code it exchanges).
    wx.requestSubscribeMessage({
      tmplIds: ['consultation-reminder'],
      complete: () => {
        const booking = { doctor: doctor.name, when: times[time], fee: doctor.fee, symptoms }
        wx.login({
          success: ({ code }) => {
            wx.request({
              url: `${api}/bookings`,
              method: 'POST',
              data: { ...booking, code },
              success: (res) => this.booked({ ...booking, id: res.statusCode === 201 ? res.data.id : '' }),
              fail: () => this.booked({ ...booking, id: '' }),
            })
          },
          fail: () => this.booked({ ...booking, id: '' }),
        })
      },
    })
  },

  /** @param {{id: string}} booking (no id when the clinic's server could not be reached) */
  booked(booking) {
    wx.setStorageSync('consultation', booking)
    wx.redirectTo({ url: `/pages/booked/booked?id=${booking.id}` })
  },
})
