// Keeps its Animation in data and changes the next step's defaults through animation.option,
// as scrolling notice bars do.
Component({
  properties: { label: String },
  data: { animation: null, moves: null, durations: '' },
  ready() {
    this.setData({ animation: wx.createAnimation({ duration: 800 }) }, () => this.restart());
  },
  methods: {
    restart() {
      const animation = this.data.animation;
      animation.option.transition.duration = 0;
      const reset = animation.translateX(100).step().export();
      animation.option.transition.duration = 1200;
      const run = animation.translateX(-50).step({ delay: 10 }).export();
      const durations = [reset, run].map((exported) => exported.actions[0].option.transition.duration);
      this.setData({ moves: run, durations: durations.join(',') + ';' + run.actions[0].option.transition.delay });
    },
  },
});
