const derived = require('../../behaviors/derived')

Component({
  behaviors: [derived],
  properties: { a: { type: Number, value: 1 } },
  data: { b: 2, total: 0 },
  derived: {
    total: ['a, b', (a, b) => a + b],
  },
  methods: {
    bump() {
      this.setData({ b: this.data.b + 10 })
    },
  },
})
