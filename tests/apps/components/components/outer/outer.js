Component({
  data: { heard: '' },
  methods: {
    onLocal(e) { this.setData({ heard: this.data.heard + 'local:' + e.detail.from + ';' }) },
    onPing(e) { this.setData({ heard: this.data.heard + 'ping;' }) },
  },
})
