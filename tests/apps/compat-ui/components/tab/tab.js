Component({
  properties: { title: String },
  data: { parent: null, parentName: '' },
  relations: {
    '../tabs/tabs': {
      type: 'parent',
      linked(target) {
        // The parent instance (circular through its children) kept in data.
        this.setData({ parent: target }, () => this.setData({ parentName: this.data.parent.is.split('/').pop() }));
      },
    },
  },
});
