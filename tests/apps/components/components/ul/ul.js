Component({
  relations: { '../li/li': { type: 'child', linked() { this.setData({ n: this.getRelationNodes('../li/li').length }) } } },
  data: { n: 0 },
})
