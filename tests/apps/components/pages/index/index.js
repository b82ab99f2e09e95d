Page({
  data: { config: { n: 1 }, title: 'first', changes: '', heard: '', selected: '', showIso: true, detached: '' },
  toggle() {
    this.setData({ showIso: !this.data.showIso }, () => this.setData({ detached: getApp().detached.join(',') }))
  },
  onReady() {
    const counter = this.selectComponent('#c1')
    const exported = this.selectComponent('#exp')
    this.setData({ selected: [counter.data.count, counter.is, exported.secret, this.selectAllComponents('custom-li').length].join(',') })
  },
  onChange(e) { this.setData({ changes: this.data.changes + e.detail.count + ';' }) },
  retitle() { this.setData({ title: 'second' }) },
  showTrigger() { this.setData({ trigger: true }) },
  reconfig() { this.setData({ 'config.n': 2 }) },
  onPing() { this.setData({ heard: this.data.heard + 'ping;' }) },
  onLocal() { this.setData({ heard: this.data.heard + 'local;' }) },
})
