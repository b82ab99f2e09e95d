// The brand's own back end (examples/snacks-server): it makes the WeChat Pay order, signs the payment
// parameters and the send-coupon plugin's parameters; the mini program never holds a merchant key.
// `hutong demo` runs it on 127.0.0.1:8002; a `backend` launch query points elsewhere.
const DEFAULT_BACKEND = 'http://127.0.0.1:8002'

function base() {
  const app = getApp()
  return (app && app.globalData.backend) || DEFAULT_BACKEND
}

function call(options) {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      url: base() + options.url,
      success: (res) => (res.statusCode === 200 ? resolve(res.data) : reject(new Error((res.data && res.data.error) || `HTTP ${res.statusCode}`))),
      fail: (err) => reject(new Error(err.errMsg)),
    })
  })
}

function login() {
  return new Promise((resolve, reject) => wx.login({ success: (res) => resolve(res.code), fail: reject }))
}

// The order and its wx.requestPayment parameters, priced by the server. A voucher is not named here:
// WeChat's payment sheet applies the best one the user holds.
async function createOrder(items) {
  const code = await login()
  return call({ url: '/api/orders', method: 'POST', data: { code, items } })
}

function getOrder(id) {
  return call({ url: `/api/orders/${id}`, method: 'GET' })
}

// <send-coupon>'s send_coupon_params, send_coupon_merchant and sign for one of the brand's stocks.
function signCoupons(stockId) {
  return call({ url: '/api/coupons/sign', method: 'POST', data: { stock_id: stockId } })
}

// The voucher stock the brand hands out when the launch link names none ({ stock_id }, '' for none).
function offeredStock() {
  return call({ url: '/api/coupons/offer', method: 'GET' })
}

module.exports = { createOrder, getOrder, signCoupons, offeredStock }
