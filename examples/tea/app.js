const cart = require('./utils/cart.js')

App({
  onLaunch(options) {
    this.globalData.scene = options.scene
    cart.load()
  },
  globalData: {
    shopName: '茶小铺',
    scene: 0,
  },
})
