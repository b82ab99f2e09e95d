module.exports = Behavior({
  data: { fromBehavior: 'mixed in' },
  lifetimes: { attached() { this.setData({ behaviorAttached: true }) } },
  methods: { shout() { return 'behavior method' } },
})
