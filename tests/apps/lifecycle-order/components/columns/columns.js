// A picker whose columns are its linked descendants: they exist only once `columns` has rendered.
Component({
  properties: { columns: { type: Array, value: [] } },
  relations: { '../column/column': { type: 'descendant' } },
  methods: {
    setValues(values) {
      const columns = this.getRelationNodes('../column/column')
      if (columns.length !== values.length) throw new Error('columns: ' + columns.length + ' of ' + values.length)
      values.forEach((value, index) => columns[index].pick(value))
    },
    getValues() {
      return this.getRelationNodes('../column/column').map((column) => column.data.value)
    },
  },
})
