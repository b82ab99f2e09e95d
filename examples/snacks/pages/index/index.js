const campaign = require('./campaign.js')

function claimed() {
  return wx.getStorageSync('coupons') || []
}

Page({
  data: {
    coupons: [],
  },

  onShow() {
    const mine = claimed().map((coupon) => coupon.campaignId)
    this.setData({
      coupons: campaign.map((coupon) => ({ ...coupon, claimed: mine.indexOf(coupon.id) >= 0 })),
    })
  },

  onClaim(event) {
    const { id } = event.currentTarget.dataset
    const coupon = campaign.find((item) => item.id === id)
    const code = `${id.toUpperCase()}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`
    const expires = Date.now() + coupon.days * 24 * 3600 * 1000
    wx.setStorageSync('coupons', [
      { code, campaignId: id, title: coupon.title, amount: coupon.amount, expires, used: false },
      ...claimed(),
    ])
    wx.showToast({ title: '领取成功 Claimed', icon: 'success' })
    this.onShow()
  },

  onShareAppMessage() {
    return { title: '零食派送券啦！', path: '/pages/index/index' }
  },
})
