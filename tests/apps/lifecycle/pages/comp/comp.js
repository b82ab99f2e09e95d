// A page built with Component(): query parameters fill its properties; page lifecycle is in methods.
Component({
  properties: { id: Number },
  data: { loaded: '', attached: '' },
  lifetimes: { attached() { this.setData({ attached: 'attached' }) } },
  methods: {
    onLoad(query) { this.setData({ loaded: 'loaded:' + query.id + ':' + this.route }) },
    back() { wx.navigateBack() },
  },
})
