const log = getApp().globalData.log
Component({
  properties: {
    name: { type: String, value: '', observer(next) { log.push('frame:observer:' + next + ':' + this.madeInCreated) } },
  },
  relations: {
    '../item/item': {
      type: 'child',
      linked(target) { log.push('frame:linked:' + target.data.name + ':' + this.getRelationNodes('../item/item').length) },
      unlinked(target) { log.push('frame:unlinked:' + target.data.name) },
    },
  },
  lifetimes: {
    created() {
      this.madeInCreated = 'set'
      log.push('frame:created:note=' + (this.selectComponent('#note') ? 'yes' : 'no'))
    },
    attached() { log.push('frame:attached:' + this.data.name + ':note=' + (this.selectComponent('#note') ? 'yes' : 'no')) },
    ready() { log.push('frame:ready:' + this.data.name) },
    detached() { log.push('frame:detached:' + this.data.name) },
  },
})
