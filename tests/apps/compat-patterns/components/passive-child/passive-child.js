// A component that asks for a passive touchmove: its own catchtouchmove no longer holds the page.
Component({
  methods: {
    noop() {},
    makePassive() {
      this.setPassiveEvent({ touchmove: true });
      this.getPassiveEvent((config) => this.triggerEvent('passive', config));
    },
  },
});
