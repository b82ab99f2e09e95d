const menu = require('../../utils/menu.js')
const cart = require('../../utils/cart.js')
const shop = require('../../utils/shop.js')

Page({
  data: {
    categories: [],
    active: 'milk',
    counts: {},
    summary: { count: 0, total: 0 },
    shop: null,
    banners: ['新品上市 · 芋泥波波', '第二杯半价 · 每周三', '会员积分兑好礼'],
    group: null,
  },

  onLoad() {
    // Shared into a group, the menu carries a shareTicket: the shop learns which group brought whom.
    wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage'] })
    // A service provider deploys this shop as a template: each merchant's name, specials and colour
    // come from the ext it committed (WeChat's ext.json); {} when the app is nobody's template.
    const ext = wx.getExtConfigSync ? wx.getExtConfigSync() : {}
    const shop = ext.shopName
      ? { name: ext.shopName, menu: ext.menu || [], colour: ext.colour || '#b5651d' }
      : null
    this.setData({ categories: menu.byCategory(), shop })
  },

  onShow() {
    this.refresh()
    this.showGroup()
  },

  // Opened from a group's card: the shop's server says which group (its openGId) brought us here.
  showGroup() {
    const app = getApp()
    const ticket = app.globalData.shareTicket
    if (!ticket || (app.globalData.group && app.globalData.group.ticket === ticket)) return
    shop
      .enterGroup(ticket)
      .then((group) => {
        app.globalData.group = { ...group, ticket }
        this.setData({ group })
      })
      .catch((error) => console.warn('group:', error.message))
  },

  refresh() {
    const counts = {}
    this.data.categories.forEach((category) =>
      category.products.forEach((product) => {
        counts[product.id] = cart.count(product.id)
      }),
    )
    this.setData({ counts, summary: cart.summary() })
  },

  onPickCategory(event) {
    this.setData({ active: event.currentTarget.dataset.id })
  },

  onCountChange(event) {
    const { id, value } = event.detail
    cart.set(id, value)
    this.refresh()
  },

  onCheckout() {
    if (this.data.summary.count === 0) {
      wx.showToast({ title: '先选一杯吧 Pick a drink', icon: 'none' })
      return
    }
    wx.navigateTo({ url: '/pages/cart/cart' })
  },

  onShareAppMessage() {
    // A shop pointed at another back end (the `backend` launch query) shares that with the card.
    const backend = getApp().globalData.backend
    const query = backend ? `?backend=${encodeURIComponent(backend)}` : ''
    return { title: '茶小铺：一起喝奶茶', path: `/pages/menu/menu${query}` }
  },
})
