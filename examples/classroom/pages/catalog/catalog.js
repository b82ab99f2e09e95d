Page({
  data: {
    courses: [],
  },

  onShow() {
    const app = getApp()
    const courses = app.globalData.courses.map((course) => {
      const done = app.progress(course.id).length
      return { ...course, done, percent: Math.round((done / course.lessons.length) * 100) }
    })
    this.setData({ courses })
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/course/course?id=${event.currentTarget.dataset.id}` })
  },
})
