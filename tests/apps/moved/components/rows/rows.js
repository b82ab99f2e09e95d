Component({
  relations: {
    '../row/row': {
      type: 'child',
      linkChanged(row) {
        this.setData({ changed: this.data.changed + 1, last: row.data.label })
      },
    },
  },
  data: { changed: 0, last: '' },
})
