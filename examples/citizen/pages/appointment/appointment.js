const SLOTS = ['09:00', '09:30', '10:00', '10:30', '14:00', '14:30', '15:00', '15:30']

Page({
  data: {
    service: null,
    days: [],
    day: 0,
    slots: SLOTS,
    slot: -1,
    done: false,
  },

  onLoad(query) {
    const service = getApp().globalData.services.find((item) => item.id === query.service)
    const days = []
    for (let i = 1; i <= 5; i++) {
      const date = new Date(Date.now() + i * 24 * 3600 * 1000)
      days.push(`${date.getMonth() + 1}/${date.getDate()}`)
    }
    this.setData({ service, days })
    wx.setNavigationBarTitle({ title: service ? service.name : '预约' })
  },

  onDay(event) {
    this.setData({ day: Number(event.currentTarget.dataset.index), slot: -1 })
  },

  onSlot(event) {
    this.setData({ slot: Number(event.currentTarget.dataset.index) })
  },

  onConfirm() {
    if (this.data.slot < 0) {
      wx.showToast({ title: '请选择时间 Pick a time', icon: 'none' })
      return
    }
    wx.requestSubscribeMessage({
      tmplIds: ['appointment-reminder'],
      complete: () => {
        const appointment = {
          service: this.data.service.name,
          hall: this.data.service.hall,
          when: `${this.data.days[this.data.day]} ${this.data.slots[this.data.slot]}`,
        }
        wx.setStorageSync('appointment', appointment)
        this.setData({ done: true })
      },
    })
  },
})
