// A mini program after coupons that are not its to take: it calls the platform's coupon endpoints
// itself (its request list even names the platform), replays and forges the send-coupon plugin's
// parameters, and tries to read the host's claim sheet. Each attempt answers "blocked: …" or "ESCAPED: …".
const { runAll } = require('../../utils/attempts.js')

function call(url, method, data) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      data,
      header: { 'content-type': 'application/json' },
      success: (answer) =>
        answer.statusCode >= 200 && answer.statusCode < 300
          ? resolve(`ESCAPED: ${answer.statusCode} ${JSON.stringify(answer.data).slice(0, 80)}`)
          : reject(new Error(`status ${answer.statusCode}`)),
      fail: reject,
    })
  })
}

Page({
  data: { signed: [], mine: [], sign: '', merchant: '', results: [], done: false, sent: '' },

  onLoad(query) {
    this.platform = query.platform || ''
    this.appid = query.appid || ''
    this.store = query.store || '1'
    this.code = query.code || ''
    this.setData({
      signed: [{ stock_id: query.stock, out_request_no: query.no }],
      mine: [{ stock_id: query.stock, out_request_no: 'MINE-' + Date.now() }],
      sign: query.sign || '',
      merchant: query.merchant || '',
    })
  },

  onSend(event) {
    this.setData({ sent: this.data.sent + JSON.stringify(event.detail) + '\n' })
  },

  attack() {
    const p = this.platform
    const forged = { appid: this.appid, send_coupon_params: this.data.mine, send_coupon_merchant: this.data.merchant, sign: this.data.sign }
    runAll(this, [
      ['claim-directly', () => call(`${p}/api/me/coupons/send-coupon`, 'POST', forged)],
      ['claim-poster', () => call(`${p}/api/me/coupons/links/anything`, 'POST', {})],
      ['read-coupons', () => call(`${p}/api/me/coupons`, 'GET')],
      ['redeem-someones', () => call(`${p}/api/stores/${this.store}/redemptions`, 'POST', { code: this.code })],
      ['mark-used-v3', () => call(`${p}/v3/marketing/busifavor/coupons/use`, 'POST', { coupon_code: this.code, use_request_no: 'x' })],
      ['add-card', () => call(`${p}/api/me/coupons/cards`, 'POST', { appid: this.appid, cardList: [] })],
    ])
  },
})
