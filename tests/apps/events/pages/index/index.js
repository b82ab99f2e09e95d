Page({
  data: { log: '', last: '', handler: 'viaData' },
  log(e) {
    const entry = [e.currentTarget.dataset.name, e.type, e.target.id, e.mark.level || '-'].join(':')
    const seen = {
      userId: typeof e.target.dataset.userId,
      detail: typeof e.detail.x + '/' + typeof e.detail.y,
      time: typeof e.timeStamp,
      touches: e.changedTouches ? typeof e.changedTouches[0].pageX : 'none',
    }
    this.setData({ log: this.data.log + entry + ' ', last: JSON.stringify(seen) })
  },
  viaData(e) {
    this.setData({ log: this.data.log + 'viaData ', handler: '' })
  },
  noop() {},
  clear() {
    this.setData({ log: '' })
  },
})
