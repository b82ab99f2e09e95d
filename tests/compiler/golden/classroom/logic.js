/* hutong logic bundle */
function __hutong_default(m) { return m && m.__esModule ? m.default : m; }
function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; if (m != null && (typeof m === 'object' || typeof m === 'function')) for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }
function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }
function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, get: g}); }
function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) __hutong_export(e, k, function () { return m[k]; }); }); }
function __hutong_import(r, s) { return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }
__hutong_define("app.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
const courses = require("/data/courses.js")

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

});
__hutong_define("data/courses.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
module.exports = [
  {
    id: 'py',
    title: 'Python 入门 Python basics',
    teacher: '刘老师',
    level: 'Beginner',
    lessons: [
      { id: 'py1', title: 'Variables and types', minutes: 12 },
      { id: 'py2', title: 'Lists and loops', minutes: 15 },
      { id: 'py3', title: 'Functions', minutes: 18 },
    ],
  },
  {
    id: 'design',
    title: '设计基础 Design fundamentals',
    teacher: 'Ms Park',
    level: 'Beginner',
    lessons: [
      { id: 'd1', title: 'Colour', minutes: 10 },
      { id: 'd2', title: 'Type', minutes: 14 },
    ],
  },
  {
    id: 'finance',
    title: '个人理财 Personal finance',
    teacher: '周老师',
    level: 'Intermediate',
    lessons: [
      { id: 'f1', title: 'Budgets', minutes: 9 },
      { id: 'f2', title: 'Saving and investing', minutes: 16 },
      { id: 'f3', title: 'Insurance', minutes: 11 },
      { id: 'f4', title: 'Retirement', minutes: 13 },
    ],
  },
]

});
__hutong_define("pages/catalog/catalog.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
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

});
__hutong_define("pages/course/course.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
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

});
__hutong_define("pages/lesson/lesson.js", function (require, module, exports, window, document, frames, self, location, navigator, localStorage, history, Caches, screen, alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore, fetch, print, WeixinJSBridge) {
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

});
