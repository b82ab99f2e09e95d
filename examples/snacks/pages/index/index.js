const campaign = require('./campaign.js')
const shop = require('../../utils/shop.js')

function claimed() {
  return wx.getStorageSync('coupons') || []
}

Page({
  data: {
    coupons: [],
    voucher: { stock: '', params: [], sign: '', merchant: '', status: '' },
  },

  onLoad() {
    const stock = getApp().globalData.stock
    if (stock) this.signVoucher(stock)
    else this.offerVoucher()
  },

  // No ?stock= in the link: the stock the brand's back end offers, if it runs one.
  async offerVoucher() {
    try {
      const offer = await shop.offeredStock()
      if (offer && offer.stock_id) this.signVoucher(String(offer.stock_id))
    } catch (error) {
      // No back end, or an older one: the page works without the voucher section.
    }
  },

  // A fresh sign for each claim: its out_request_no is one claim.
  async signVoucher(stock) {
    try {
      const signed = await shop.signCoupons(stock)
      this.setData({
        voucher: {
          stock,
          params: signed.send_coupon_params,
          sign: signed.sign,
          merchant: signed.send_coupon_merchant,
          status: '',
        },
      })
    } catch (error) {
      this.setData({ voucher: { stock: '', params: [], sign: '', merchant: '', status: error.message } })
    }
  },

  onVoucherSent(event) {
    const results = (event.detail && event.detail.send_coupon_result) || []
    const ok = event.detail.errcode === 'OK' && results.length > 0 && results[0].code === 'SUCCESS'
    this.setData({ 'voucher.status': ok ? '已领取，下单时自动抵扣 Claimed: applied when you pay' : (results[0] && results[0].message) || event.detail.msg || '' })
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

  // "Use now" on the claim sheet: straight to the shop, where the payment sheet applies the voucher.
  onUseNow() {
    wx.switchTab({ url: '/pages/shop/shop' })
  },

  onShareAppMessage() {
    return { title: '零食派送券啦！', path: '/pages/index/index' }
  },
})
