// mp-actionsheet: a menu rising from the bottom (weui-miniprogram's interface, Hutong's
// implementation). `actions` is a list of {text, value, type}, or a list of such lists (groups).
const popup = require('../behaviors/popup.js')

Component({
  behaviors: [popup],
  options: { multipleSlots: true },
  properties: {
    title: { type: String, value: '' },
    showCancel: { type: Boolean, value: true },
    cancelText: { type: String, value: '取消' },
    maskClass: { type: String, value: '' },
    extClass: { type: String, value: '' },
    maskClosable: { type: Boolean, value: true },
    mask: { type: Boolean, value: true },
    show: { type: Boolean, value: false, observer: '_showChange' },
    actions: { type: Array, value: [], observer: '_actionsChange' },
    rootPortal: { type: Boolean, value: false },
  },
  data: { groups: [] },
  lifetimes: {
    attached() {
      this._actionsChange(this.data.actions)
    },
  },
  methods: {
    _actionsChange(actions) {
      const list = Array.isArray(actions) ? actions : []
      const grouped = list.length > 0 && list.every((item) => Array.isArray(item))
      this.setData({ groups: grouped ? list : list.length ? [list] : [] })
    },
    buttonTap(e) {
      const { value, groupindex, index } = e.currentTarget.dataset
      this.triggerEvent('actiontap', { value, groupindex, index })
    },
    /** Cancel always closes; the mask only when maskClosable. */
    closeActionSheet(e) {
      const type = e.currentTarget.dataset.type
      if (!type && !this.data.maskClosable) return
      this.setData({ show: false })
      this.triggerEvent('close')
    },
  },
})
