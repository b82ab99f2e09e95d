// mp-cell: one row of an mp-cells group (weui-miniprogram's interface, Hutong's implementation).
Component({
  options: { multipleSlots: true },
  properties: {
    hover: { type: Boolean, value: false },
    link: { type: Boolean, value: false },
    extClass: { type: String, value: '' },
    iconClass: { type: String, value: '' },
    bodyClass: { type: String, value: '' },
    icon: { type: String, value: '' },
    title: { type: String, value: '' },
    value: { type: String, value: '' },
    showError: { type: Boolean, value: false },
    prop: { type: String, value: '' },
    url: { type: String, value: '' },
    footerClass: { type: String, value: '' },
    footer: { type: String, value: '' },
    inline: { type: Boolean, value: true },
    hasHeader: { type: Boolean, value: true },
    hasFooter: { type: Boolean, value: true },
    hasBody: { type: Boolean, value: true },
    extHoverClass: { type: String, value: '' },
    ariaRole: { type: String, value: '' },
  },
  data: { error: false },
  relations: {
    '../form/form': { type: 'ancestor' },
  },
  methods: {
    /** A link cell with a url opens it; the outcome is reported as navigatesuccess / navigateerror. */
    navigateTo() {
      if (!this.data.link || !this.data.url) return
      wx.navigateTo({
        url: this.data.url,
        success: (res) => this.triggerEvent('navigatesuccess', res, {}),
        fail: (err) => this.triggerEvent('navigateerror', err, {}),
      })
    },
    /** Set by mp-form when validation marks this cell's prop. */
    setError(error) {
      this.setData({ error: error || false })
    },
  },
})
