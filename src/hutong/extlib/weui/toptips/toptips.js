// mp-toptips: a message bar at the top that hides itself after `delay` ms (weui-miniprogram's
// interface, Hutong's implementation).
const TYPE_CLASSES = {
  warn: 'weui-toptips_warn',
  info: 'weui-toptips_info',
  success: 'weui-toptips_success',
  error: 'weui-toptips_error',
}

Component({
  properties: {
    type: { type: String, value: 'error', observer: '_typeChange' },
    show: { type: Boolean, value: false, observer: '_showChange' },
    msg: { type: String, value: '' },
    delay: { type: Number, value: 2000 },
    extClass: { type: String, value: '' },
  },
  data: { typeClass: TYPE_CLASSES.error, wrapperShow: false, innerShow: false },
  lifetimes: {
    attached() {
      this._typeChange(this.data.type)
      if (this.data.show) this._showChange(true)
    },
    detached() {
      clearTimeout(this._hideTimer)
      clearTimeout(this._goneTimer)
    },
  },
  methods: {
    _typeChange(type) {
      this.setData({ typeClass: TYPE_CLASSES[type] || '' })
    },
    _showChange(show) {
      clearTimeout(this._hideTimer)
      clearTimeout(this._goneTimer)
      if (show) {
        this.setData({ wrapperShow: true, innerShow: true })
        this._hideTimer = setTimeout(() => this._hide(), this.data.delay)
      } else if (this.data.wrapperShow) {
        this._fade()
      }
    },
    /** The delay ran out: fade, then report `hide`. */
    _hide() {
      this.setData({ show: false })
      this.triggerEvent('hide', {}, {})
    },
    _fade() {
      this.setData({ innerShow: false })
      this._goneTimer = setTimeout(() => this.setData({ wrapperShow: false }), 300)
    },
  },
})
