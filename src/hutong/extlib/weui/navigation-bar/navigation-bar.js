// mp-navigation-bar: a page's own navigation bar for "navigationStyle": "custom" (weui-miniprogram's
// interface, Hutong's implementation). It leaves room for the status bar and the host's capsule.
Component({
  options: { multipleSlots: true },
  properties: {
    extClass: { type: String, value: '' },
    title: { type: String, value: '' },
    background: { type: String, value: '' },
    color: { type: String, value: '' },
    back: { type: Boolean, value: true },
    loading: { type: Boolean, value: false },
    homeButton: { type: Boolean, value: false },
    animated: { type: Boolean, value: true },
    show: { type: Boolean, value: true, observer: '_showChange' },
    delta: { type: Number, value: 1 },
  },
  data: { displayStyle: '', statusBarHeight: 0, menuButtonSpace: 0 },
  lifetimes: {
    attached() {
      const info = wx.getSystemInfoSync()
      const menu = wx.getMenuButtonBoundingClientRect ? wx.getMenuButtonBoundingClientRect() : null
      // Keep the right slot clear of the capsule the host draws over the page's top right.
      const space = menu && menu.width ? info.windowWidth - menu.left : 0
      this.setData({ statusBarHeight: info.statusBarHeight || 0, menuButtonSpace: Math.max(0, space) })
      if (!this.data.show) this._showChange(false)
    },
  },
  methods: {
    _showChange(show) {
      const displayStyle = this.data.animated
        ? `opacity: ${show ? 1 : 0}; transition: opacity 0.5s;`
        : `display: ${show ? 'flex' : 'none'};`
      this.setData({ displayStyle })
    },
    /** The home button: reports `home` and relaunches the app's entry page. */
    home() {
      const config = typeof __wxConfig === 'object' && __wxConfig ? __wxConfig : {}
      const entry = config.entryPagePath || (config.pages || [])[0]
      this.triggerEvent('home', {}, {})
      if (entry) wx.reLaunch({ url: '/' + String(entry).replace(/^\//, '') })
    },
    back() {
      const delta = this.data.delta
      if (delta) wx.navigateBack({ delta })
      this.triggerEvent('back', { delta }, {})
    },
  },
})
