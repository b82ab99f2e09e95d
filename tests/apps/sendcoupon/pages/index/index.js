// The merchant's server would hand these over (wx.request); the test passes them in the query.
Page({
  data: { params: [], sign: '', merchant: '', out: '', n: 0, confirmed: '' },

  onLoad(query) {
    this.setData({
      params: [{ stock_id: query.stock || '', out_request_no: query.no || '' }],
      sign: query.sign || '',
      merchant: query.merchant || '',
    })
    this.card = { id: query.card || '', ext: JSON.stringify({ timestamp: query.ts, nonce_str: query.nonce, signature: query.cardsig }) }
  },

  show(result) {
    this.setData({ out: JSON.stringify(result), n: this.data.n + 1 })
  },

  addCard() {
    wx.addCard({
      cardList: [{ cardId: this.card.id, cardExt: this.card.ext }],
      success: (result) => {
        this.code = result.cardList[0].code
        this.show(result)
      },
      fail: (error) => this.show(error),
    })
  },

  openCard() {
    wx.openCard({ cardList: [{ cardId: this.card.id, code: this.code }], complete: (result) => this.show(result) })
  },

  onSend(event) {
    this.setData({ out: JSON.stringify(event.detail), n: this.data.n + 1 })
  },

  onConfirm(event) {
    this.setData({ confirmed: JSON.stringify(event.detail) })
  },
})
