Component({
  data: { titles: '' },
  relations: {
    '../tab/tab': {
      type: 'child',
      linked() {
        const tabs = this.getRelationNodes('../tab/tab');
        // The instances themselves go into data, as tab libraries keep their children.
        this.setData({ items: tabs, titles: tabs.map((tab) => tab.data.title).join('|') });
      },
    },
  },
});
