const cart = require('./utils/cart.js')

App({
  onLaunch(options) {
    this.globalData.scene = options.scene
    if (options.query && options.query.backend) this.globalData.backend = decodeURIComponent(options.query.backend)
    cart.load()
  },
  globalData: {
    shopName: '茶小铺',
    scene: 0,
    backend: '',
  },
})
