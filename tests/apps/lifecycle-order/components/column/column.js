Component({
  properties: { values: Array },
  data: { value: '' },
  relations: { '../columns/columns': { type: 'ancestor' } },
  methods: {
    pick(value) {
      if (this.data.values.indexOf(value) < 0) throw new Error('no such value: ' + value)
      this.setData({ value })
    },
  },
})
