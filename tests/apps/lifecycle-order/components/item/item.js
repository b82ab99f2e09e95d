const log = getApp().globalData.log
Component({
  properties: { name: String },
  relations: {
    '../frame/frame': {
      type: 'parent',
      linked(target) { log.push('item:linked:' + target.data.name) },
      unlinked(target) { log.push('item:unlinked:' + target.data.name) },
    },
  },
  lifetimes: {
    created() { log.push('item:created') },
    attached() { log.push('item:attached:' + this.data.name) },
    ready() { log.push('item:ready:' + this.data.name) },
    detached() { log.push('item:detached:' + this.data.name) },
  },
})
