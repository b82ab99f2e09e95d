Component({
  relations: { '../ul/ul': { type: 'parent', linked(parent) { this.setData({ linked: parent.is }) } } },
  data: { linked: '' },
})
