Page({
  data: {
    coupon: null,
  },

  onLoad(query) {
    const coupon = (wx.getStorageSync('coupons') || []).find((item) => item.code === query.code)
    this.setData({ coupon: coupon || null })
  },

  onStaffScan() {
    // The shop assistant scans the code at the till; here the customer can also scan the till's code.
    wx.scanCode({
      success: (res) => {
        if (res.result.indexOf('redeem') < 0) {
          wx.showToast({ title: '不是核销码 Not a till code', icon: 'none' })
          return
        }
        this.markUsed()
      },
    })
  },

  markUsed() {
    const coupons = (wx.getStorageSync('coupons') || []).map((item) =>
      item.code === this.data.coupon.code ? { ...item, used: true } : item,
    )
    wx.setStorageSync('coupons', coupons)
    this.setData({ 'coupon.used': true })
    wx.showToast({ title: '已核销 Redeemed', icon: 'success' })
  },
})
