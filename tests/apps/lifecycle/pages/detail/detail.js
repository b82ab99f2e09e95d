Page({
  data: { id: '', name: '', opener: '', depth: 0 },
  onLoad(query) {
    this.setData({ id: query.id, name: query.name, depth: getCurrentPages().length })
    this.getOpenerEventChannel().on('fromOpener', (data) => this.setData({ opener: data.text }))
  },
  reply() {
    this.getOpenerEventChannel().emit('fromDetail', { text: 'hello opener' })
  },
  back() {
    wx.navigateBack()
  },
})
