// mp-dialog: a modal dialog with a button row (weui-miniprogram's interface, Hutong's implementation).
const popup = require('../behaviors/popup.js')

Component({
  behaviors: [popup],
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
  methods: {
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
