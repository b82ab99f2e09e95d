// mp-half-screen-dialog: a sheet over the lower part of the page (weui-miniprogram's interface,
// Hutong's implementation).
const popup = require('../behaviors/popup.js')

Component({
  behaviors: [popup],
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
  methods: {
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
