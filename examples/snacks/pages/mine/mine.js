Page({
  data: {
    coupons: [],
  },

  onShow() {
    const now = Date.now()
    const coupons = (wx.getStorageSync('coupons') || []).map((coupon) => ({
      ...coupon,
      expired: coupon.expires < now,
      until: new Date(coupon.expires).toLocaleDateString(),
    }))
    this.setData({ coupons })
  },

  onUse(event) {
    wx.navigateTo({ url: `/pages/redeem/redeem?code=${event.currentTarget.dataset.code}` })
  },
})
