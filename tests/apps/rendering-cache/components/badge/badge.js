Component({
  properties: { label: String },
  data: { where: 'created' },
  lifetimes: {
    attached() {
      this.setData({ where: 'attached' });
    },
  },
});
