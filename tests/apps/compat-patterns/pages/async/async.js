Page({
  data: { loaded: 'waiting', missing: 'waiting', worklet: wx.worklet ? 'present' : 'absent' },
  onLoad() {
    // A module of a subpackage nothing has opened yet: require.async loads that package first.
    require.async('../../extra/utils/lib.js')
      .then((lib) => this.setData({ loaded: lib.name }))
      .catch((error) => this.setData({ loaded: 'failed ' + error.errMsg }))
    require.async('../../extra/utils/nothing.js')
      .then(() => this.setData({ missing: 'loaded?' }))
      .catch((error) => this.setData({ missing: 'rejected ' + error.mod }))
  },
})
