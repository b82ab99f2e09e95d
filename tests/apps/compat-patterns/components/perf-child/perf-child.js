Component({
  properties: { value: { type: Number, value: 0 } },
  data: { doubled: 0 },
  observers: {
    // A setData made while the page's update is being computed: a sub-update of it.
    value(value) {
      this.setData({ doubled: value * 2 });
    },
  },
  lifetimes: {
    attached() {
      getApp().updates = getApp().updates || [];
      this.setUpdatePerformanceListener({ withDataPaths: true }, (res) => getApp().updates.push({ who: 'child', ...res }));
    },
  },
});
