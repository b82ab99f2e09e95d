const log = getApp().globalData.log
Page({
  data: { show: true, order: '', removed: '' },
  onLoad() { log.push('page:load') },
  onShow() { log.push('page:show') },
  onReady() {
    log.push('page:ready')
    this.setData({ order: log.join(' ') })
  },
  remove() {
    const from = log.length
    this.setData({ show: false }, () => this.setData({ removed: log.slice(from).join(' ') }))
  },
})
