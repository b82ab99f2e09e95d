Page({
  data: {
    depts: ['全部 All', '全科 General', '儿科 Paediatrics', '皮肤科 Dermatology'],
    dept: 0,
    doctors: [],
    keyword: '',
  },

  onLoad() {
    this.filter()
  },

  filter() {
    const { depts, dept, keyword } = this.data
    const doctors = getApp().globalData.doctors.filter(
      (doctor) =>
        (dept === 0 || doctor.dept === depts[dept]) && (!keyword || doctor.name.indexOf(keyword) >= 0),
    )
    this.setData({ doctors })
  },

  onDept(event) {
    this.setData({ dept: Number(event.currentTarget.dataset.index) })
    this.filter()
  },

  onSearch(event) {
    this.setData({ keyword: event.detail.value.trim() })
    this.filter()
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/doctor/doctor?id=${event.currentTarget.dataset.id}` })
  },
})
