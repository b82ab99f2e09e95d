Component({
  options: {
    multipleSlots: true,
  },
  externalClasses: ['card-class'],
  properties: {
    product: Object,
    count: { type: Number, value: 0 },
  },
  methods: {
    onChange(event) {
      this.triggerEvent('countchange', { id: this.data.product.id, value: event.detail.value })
    },
  },
})
