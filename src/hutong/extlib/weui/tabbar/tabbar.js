// mp-tabbar: tabs at the bottom of a page (weui-miniprogram's interface, Hutong's implementation).
// `change` carries {index, item}.
Component({
  properties: {
    extClass: { type: String, value: '' },
    list: { type: Array, value: [] },
    current: { type: Number, value: 0 },
    reactive: { type: Boolean, value: true },
  },
  methods: {
    tabChange(e) {
      const index = e.currentTarget.dataset.index
      if (index === this.data.current) return
      if (this.data.reactive) this.setData({ current: index })
      this.triggerEvent('change', { index, item: this.data.list[index] })
    },
  },
})
