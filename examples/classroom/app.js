const courses = require('./data/courses.js')

App({
  globalData: { courses },

  progress(courseId) {
    const done = wx.getStorageSync('progress') || {}
    return done[courseId] || []
  },

  markDone(courseId, lessonId) {
    const done = wx.getStorageSync('progress') || {}
    const list = done[courseId] || []
    if (list.indexOf(lessonId) < 0) list.push(lessonId)
    done[courseId] = list
    wx.setStorageSync('progress', done)
  },
})
