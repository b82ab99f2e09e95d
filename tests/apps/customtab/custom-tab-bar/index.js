Component({
  data: { selected: 0, list: [{ path: '/pages/one/one', text: 'One' }, { path: '/pages/two/two', text: 'Two' }] },
  methods: {
    go(e) { wx.switchTab({ url: e.currentTarget.dataset.path }) },
  },
})
