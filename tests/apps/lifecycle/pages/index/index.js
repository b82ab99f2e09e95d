// getApp() works at module top level: app.js has run.
const app = getApp()

Page({
  data: { order: '', a: { b: [{ c: 'before' }] }, list: [0, 1, 2, 3], sync: '', callback: '', tooBig: '', shows: 0, fromDetail: '', pages: 0 },
  onLoad(query) {
    app.globalData.log.push('page:load:' + JSON.stringify(query))
  },
  onShow() {
    app.globalData.log.push('page:show')
    this.setData({ shows: this.data.shows + 1 })
  },
  onReady() {
    app.globalData.log.push('page:ready')
    this.setData({ order: app.globalData.log.join(' ') })
  },
  update() {
    this.setData({ 'a.b[0].c': 'after', 'list[3]': 'three' }, () => {
      this.setData({ callback: 'called after ' + this.data.a.b[0].c })
    })
    this.setData({ sync: 'sync ' + this.data.a.b[0].c + ' ' + this.data.list[3] })
  },
  sendTooMuch() {
    try {
      this.setData({ huge: 'x'.repeat(1100 * 1024) })
      this.setData({ tooBig: 'accepted' })
    } catch (error) {
      this.setData({ tooBig: 'refused: ' + error.message })
    }
  },
  open() {
    wx.navigateTo({
      url: '../detail/detail?id=7&name=tea',
      events: {
        fromDetail: (data) => this.setData({ fromDetail: data.text }),
      },
      success: (res) => res.eventChannel.emit('fromOpener', { text: 'hello detail' }),
    })
  },
  boom() {
    const missing = undefined
    return missing.property
  },
  reject() {
    Promise.reject(new Error('nobody caught this'))
  },
  openComp() {
    wx.navigateTo({ url: '/pages/comp/comp?id=9' })
  },
  refresh() {
    wx.updateWeChatApp({ fail: (e) => this.setData({ missing: e.errMsg + ' canIUse:' + wx.canIUse('navigateTo') + '/' + wx.canIUse('notARealApi') }) })
    this.setData({ order: app.globalData.log.join(' '), pages: getCurrentPages().length, errors: app.globalData.errors.join('|') + ' wx.onError:' + app.globalData.wxErrors, rejections: app.globalData.rejections.join('|') })
  },
})
