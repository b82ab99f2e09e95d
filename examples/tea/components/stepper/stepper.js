// A count with − and + buttons; tells its parent with a `change` event.
Component({
  properties: {
    value: { type: Number, value: 0 },
    max: { type: Number, value: 99 },
  },
  methods: {
    minus() {
      if (this.data.value > 0) this.triggerEvent('change', { value: this.data.value - 1 })
    },
    plus() {
      if (this.data.value < this.data.max) this.triggerEvent('change', { value: this.data.value + 1 })
    },
  },
})
