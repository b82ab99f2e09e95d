Page({
  data: {
    lesson: null,
    watched: 0,
    finished: false,
  },

  onLoad(query) {
    this.courseId = query.course
    const course = getApp().globalData.courses.find((item) => item.id === query.course)
    const lesson = course ? course.lessons.find((item) => item.id === query.lesson) : null
    this.setData({ lesson })
    this.channel = this.getOpenerEventChannel()
  },

  onTimeUpdate(event) {
    const { currentTime, duration } = event.detail
    if (duration > 0) this.setData({ watched: Math.round((currentTime / duration) * 100) })
  },

  onEnded() {
    this.finish()
  },

  finish() {
    if (this.data.finished) return
    getApp().markDone(this.courseId, this.data.lesson.id)
    this.setData({ finished: true })
    if (this.channel) this.channel.emit('finished', { lesson: this.data.lesson.id })
    wx.showToast({ title: 'Lesson complete', icon: 'success' })
  },
})
