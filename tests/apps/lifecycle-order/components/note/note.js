const log = getApp().globalData.log
Component({
  properties: { name: String },
  data: { greeting: '' },
  lifetimes: {
    created() {
      log.push('note:created')
      // Data only: the template shows it in the first render.
      this.setData({ greeting: 'hello' })
    },
    attached() { log.push('note:attached:' + this.data.name) },
    ready() { log.push('note:ready:' + this.data.name) },
    detached() { log.push('note:detached:' + this.data.name) },
  },
})
