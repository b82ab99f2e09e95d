// mp-slideview: a row that slides left to show buttons (weui-miniprogram's interface, Hutong's
// implementation). The content and the buttons follow the finger; on release the row opens when it
// moved left by more than `throttle` px and closes when it moved right by as much, or was tapped.
Component({
  options: { multipleSlots: true },
  properties: {
    extClass: { type: String, value: '' },
    buttons: { type: Array, value: [] },
    disable: { type: Boolean, value: false },
    icon: { type: Boolean, value: false },
    show: { type: Boolean, value: false, observer: '_showChange' },
    duration: { type: Number, value: 350 },
    throttle: { type: Number, value: 40 },
    rebounce: { type: Number, value: 0 },
  },
  data: { offset: 0, dragging: false },
  lifetimes: {
    ready() {
      if (this.data.show) this._showChange(true)
    },
  },
  methods: {
    /** The buttons' width, measured when needed (they may change with `buttons`). */
    _measure(then) {
      wx.createSelectorQuery()
        .in(this)
        .select('.weui-slideview__buttons')
        .boundingClientRect((rect) => then(rect ? rect.width : 0))
        .exec()
    },
    _showChange(show) {
      if (show) this._measure((width) => this._settle(true, width))
      else this._settle(false, this._width || 0)
    },
    /** Rest open or closed, telling the page when that changes. */
    _settle(open, width) {
      this._width = width
      this.setData({ offset: open ? -width : 0, dragging: false })
      if (open !== !!this._open) {
        this._open = open
        this.triggerEvent(open ? 'show' : 'hide', {}, {})
      }
    },
    touchStart(e) {
      if (this.data.disable || !e.touches.length) return
      this._start = { x: e.touches[0].clientX, y: e.touches[0].clientY, offset: this.data.offset }
      this._measure((width) => {
        this._width = width
      })
    },
    touchMove(e) {
      const start = this._start
      if (!start || this.data.disable || !e.touches.length) return
      const dx = e.touches[0].clientX - start.x
      const width = this._width || 0
      const offset = Math.min(this.data.rebounce, Math.max(-width - this.data.rebounce, start.offset + dx))
      this.setData({ offset, dragging: true })
    },
    touchEnd(e) {
      const start = this._start
      this._start = null
      if (!start || this.data.disable) return
      const touch = e.changedTouches && e.changedTouches[0]
      const dx = touch ? touch.clientX - start.x : 0
      const width = this._width || 0
      let open = start.offset < 0
      if (dx < -this.data.throttle) open = true
      else if (dx > this.data.throttle) open = false
      else if (Math.abs(dx) < 5) open = false // a tap on an open row closes it
      this._settle(open && width > 0, width)
    },
    /** A button reports {index, data} and the row closes. */
    buttonTap(e) {
      const index = e.currentTarget.dataset.index
      const button = this.data.buttons[index] || {}
      this.triggerEvent('buttontap', { index, data: button.data }, {})
      this._settle(false, this._width || 0)
    },
  },
})
