Component({
  properties: { label: String },
  relations: {
    '../rows/rows': {
      type: 'parent',
      linkChanged() {
        this.setData({ relinked: this.data.relinked + 1 })
      },
    },
  },
  data: { moves: 0, relinked: 0 },
  lifetimes: {
    moved() {
      this.setData({ moves: this.data.moves + 1 })
    },
  },
})
