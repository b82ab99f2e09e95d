const mixin = require('./behavior.js')
Component({
  behaviors: [mixin],
  properties: {
    count: Number,
    flag: Boolean,
    title: { type: String, value: 'untitled', observer(next, old) { this.setData({ titleLog: old + '>' + next }) } },
    items: { type: Array, value: [] },
    either: { type: Number, optionalTypes: [String], value: 0 },
    config: { type: Object, value: {}, observer(next) { this.setData({ configLog: this.data.configLog + next.n + ';' }) } },
  },
  data: { configLog: '', itemsSeen: 0, titleLog: '', summary: '', types: '', width: 0, behaviorAttached: false },
  observers: {
    'count, title': function (count, title) { this.setData({ summary: title + '=' + count }) },
    items: function () { this.setData({ itemsSeen: this.data.itemsSeen + 1 }) },
  },
  lifetimes: {
    attached() {
      this.setData({ types: [typeof this.data.count, typeof this.data.flag, typeof this.data.either, this.data.items.length, this.shout(), this.hasBehavior(mixin)].join(',') })
    },
    ready() {
      this.createSelectorQuery().select('.box').boundingClientRect((rect) => this.setData({ width: rect.width })).exec()
    },
  },
  methods: {
    inc() {
      this.setData({ count: this.data.count + 1 })
      this.triggerEvent('change', { count: this.data.count })
    },
  },
})
