Component({
  methods: {
    fire() {
      this.triggerEvent('ping', { from: 'inner' }, { bubbles: true, composed: true })
      this.triggerEvent('local', { from: 'inner' }, { bubbles: true })
    },
  },
})
