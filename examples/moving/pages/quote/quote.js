const { SIZES, quote } = require('../../utils/pricing.js')

Page({
  data: {
    inquiry: null,
    sizeName: '',
    quote: null,
  },

  onLoad() {
    const inquiry = getApp().globalData.inquiry
    if (!inquiry) {
      wx.redirectTo({ url: '/pages/index/index' })
      return
    }
    this.setData({ inquiry, sizeName: SIZES[inquiry.size], quote: quote(inquiry) })
  },

  onBook() {
    wx.navigateTo({ url: `/pages/booking/booking?total=${this.data.quote.total}` })
  },

  onCall() {
    wx.makePhoneCall({ phoneNumber: '4008008000' })
  },
})
