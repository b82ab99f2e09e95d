// As vant's picker does: a property observer looks for child components before the first render.
Component({
  properties: {
    items: {
      type: Array,
      value: [],
      observer() {
        const seen = this.seen || (this.seen = []);
        seen.push([this.selectAllComponents('.col').length, this.selectComponent('.col')]);
      },
    },
  },
  methods: {
    report() {
      return this.seen;
    },
  },
});
