// mp-dialog: a modal dialog with a button row (weui-miniprogram's interface, Hutong's implementation).
Component({
  options: { multipleSlots: true, virtualHost: true },
  properties: {
    title: { type: String, value: '' },
    extClass: { type: String, value: '' },
    maskClass: { type: String, value: '' },
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
    /** Shown at once; hidden after the fade-out. */
    _showChange(show) {
      clearTimeout(this._hideTimer)
      if (show) {
        this.setData({ wrapperShow: true, innerShow: true })
      } else {
        this.setData({ innerShow: false })
        this._hideTimer = setTimeout(() => this.setData({ wrapperShow: false }), 300)
      }
    },
    buttonTap(e) {
      const index = e.currentTarget.dataset.index
      this.triggerEvent('buttontap', { index, item: this.data.buttons[index] }, {})
    },
    /** A tap on the mask closes the dialog when maskClosable. */
    close() {
      if (!this.data.maskClosable) return
      this.setData({ show: false })
      this.triggerEvent('close', {}, {})
    },
  },
})
