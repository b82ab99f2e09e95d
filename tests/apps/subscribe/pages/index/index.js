// Subscription messages: each button asks one thing; the answer lands in #out as JSON. onLoad asks
// outside any tap, as a hostile app would, and keeps what it heard in #load.
const ask = (tmplIds) => new Promise((resolve) => wx.requestSubscribeMessage({ tmplIds, success: resolve, fail: resolve }))

Page({
  data: { out: '', n: 0, load: '', enter: '', buttons: ['two', 'long', 'mixed', 'many', 'empty', 'unknown', 'later', 'setting'] },
  async onLoad(query) {
    const enter = wx.getEnterOptionsSync()
    this.setData({ enter: JSON.stringify({ scene: enter.scene, path: enter.path, query }) })
    this.setData({ load: JSON.stringify(await ask(['test-sub-once'])) })
  },
  show(res) {
    this.setData({ out: JSON.stringify(res), n: this.data.n + 1 })
  },
  tap(event) {
    const done = (res) => this.show(res)
    switch (event.currentTarget.dataset.name) {
      case 'two': ask(['test-sub-once', 'test-sub-paid']).then(done); break
      case 'long': ask(['test-sub-long']).then(done); break
      case 'mixed': ask(['test-sub-once', 'test-sub-long']).then(done); break
      case 'many': ask(['a', 'b', 'c', 'd', 'e', 'f']).then(done); break
      case 'empty': ask([]).then(done); break
      case 'unknown': ask(['test-sub-once', 'hutong-clinic-nope']).then(done); break
      case 'later': setTimeout(() => ask(['test-sub-once']).then(done), 0); break
      case 'setting': wx.getSetting({ withSubscriptions: true }).then(done, done); break
      default: break
    }
  },
})
