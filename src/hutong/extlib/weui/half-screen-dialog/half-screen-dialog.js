// mp-half-screen-dialog: a sheet over the lower part of the page (weui-miniprogram's interface,
// Hutong's implementation).
Component({
  options: { multipleSlots: true },
  properties: {
    closabled: { type: Boolean, value: true },
    title: { type: String, value: '' },
    subTitle: { type: String, value: '' },
    extClass: { type: String, value: '' },
    maskClass: { type: String, value: '' },
    desc: { type: String, value: '' },
    tips: { type: String, value: '' },
    maskClosable: { type: Boolean, value: true },
    mask: { type: Boolean, value: true },
    show: { type: Boolean, value: false, observer: '_showChange' },
    buttons: { type: Array, value: [] },
    rootPortal: { type: Boolean, value: false },
  },
  data: { wrapperShow: false, innerShow: false },
  lifetimes: {
    attached() {
      if (this.data.show) this._showChange(true)
    },
    detached() {
      clearTimeout(this._hideTimer)
    },
  },
  methods: {
    _showChange(show) {
      clearTimeout(this._hideTimer)
      if (show) {
        this.setData({ wrapperShow: true, innerShow: true })
      } else {
        this.setData({ innerShow: false })
        this._hideTimer = setTimeout(() => this.setData({ wrapperShow: false }), 300)
      }
    },
    /** The close button always closes; the mask only when maskClosable. */
    close(e) {
      const type = e.currentTarget.dataset.type
      if (type !== 'close' && !this.data.maskClosable) return
      this.setData({ show: false })
      this.triggerEvent('close', {}, {})
    },
    buttonTap(e) {
      const index = e.currentTarget.dataset.index
      this.triggerEvent('buttontap', { index, item: this.data.buttons[index] }, {})
    },
    noop() {},
  },
})
