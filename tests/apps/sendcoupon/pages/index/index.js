// The merchant's server would hand these over (wx.request); the test passes them in the query.
Page({
  data: { params: [], sign: '', merchant: '', out: '', n: 0, confirmed: '' },

  onLoad(query) {
    this.setData({
      params: [{ stock_id: query.stock || '', out_request_no: query.no || '' }],
      sign: query.sign || '',
      merchant: query.merchant || '',
    })
  },

  onSend(event) {
    this.setData({ out: JSON.stringify(event.detail), n: this.data.n + 1 })
  },

  onConfirm(event) {
    this.setData({ confirmed: JSON.stringify(event.detail) })
  },
})
