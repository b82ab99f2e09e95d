const cart = require('./utils/cart.js')

App({
  onLaunch(options) {
    this.globalData.scene = options.scene
    if (options.query && options.query.backend) this.globalData.backend = decodeURIComponent(options.query.backend)
    this.globalData.shareTicket = options.shareTicket || ''
    cart.load()
  },
  onShow(options) {
    // Opened again from a group's card: that group's ticket (scene 1044).
    if (options && options.shareTicket) this.globalData.shareTicket = options.shareTicket
  },
  globalData: {
    shopName: '茶小铺',
    scene: 0,
    backend: '',
    shareTicket: '',
    group: null,
  },
})
