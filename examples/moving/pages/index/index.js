const { SIZES, EXTRAS } = require('../../utils/pricing.js')

function today() {
  const date = new Date(Date.now() + 24 * 3600 * 1000)
  const pad = (n) => (n < 10 ? '0' + n : '' + n)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

Page({
  data: {
    sizes: SIZES,
    extras: EXTRAS,
    form: {
      from: '',
      to: '',
      size: 1,
      date: today(),
      floor: 1,
      lift: true,
      distance: 10,
      extras: [],
    },
    minDate: today(),
  },

  onField(event) {
    const { field } = event.currentTarget.dataset
    this.setData({ [`form.${field}`]: event.detail.value })
  },

  onSize(event) {
    this.setData({ 'form.size': Number(event.detail.value) })
  },

  onLift(event) {
    this.setData({ 'form.lift': event.detail.value })
  },

  onExtras(event) {
    this.setData({ 'form.extras': event.detail.value })
  },

  onSubmit(event) {
    const form = { ...this.data.form, ...event.detail.value }
    if (!form.from || !form.to) {
      wx.showToast({ title: '请填写地址 Add both addresses', icon: 'none' })
      return
    }
    getApp().globalData.inquiry = form
    wx.navigateTo({ url: '/pages/quote/quote' })
  },
})
