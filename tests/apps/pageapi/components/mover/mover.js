// A component animates a node of its own template: the selector is resolved in its scope.
Component({
  methods: {
    run(report) {
      this.animate('#inner', [{ opacity: 1 }, { opacity: 0.25 }], 30, () => {
        this.createSelectorQuery()
          .select('#inner')
          .fields({ computedStyle: ['opacity'] })
          .exec((res) => report(res[0] ? res[0].opacity : null));
      });
    },
  },
});
