// mp-cells: a titled group of mp-cell rows (weui-miniprogram's interface, Hutong's implementation).
Component({
  options: { multipleSlots: true },
  properties: {
    title: { type: String, value: '' },
    extClass: { type: String, value: '' },
    footer: { type: String, value: '' },
    ariaRole: { type: String, value: '' },
  },
  data: { outerClass: '' },
  relations: {
    '../form-page/form-page': { type: 'ancestor' },
  },
  methods: {
    /** Set by mp-form-page: its groups take the form layout (wider margins). */
    setOuterClass(outerClass) {
      this.setData({ outerClass })
    },
  },
})
