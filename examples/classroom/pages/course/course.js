Page({
  data: {
    course: null,
    done: [],
  },

  onLoad(query) {
    this.courseId = query.id
    const course = getApp().globalData.courses.find((item) => item.id === query.id)
    this.setData({ course })
    if (course) wx.setNavigationBarTitle({ title: course.title })
  },

  onShow() {
    this.setData({ done: getApp().progress(this.courseId) })
  },

  onLesson(event) {
    const { id } = event.currentTarget.dataset
    wx.navigateTo({
      url: `/pages/lesson/lesson?course=${this.courseId}&lesson=${id}`,
      events: {
        finished: () => this.onShow(),
      },
    })
  },
})
