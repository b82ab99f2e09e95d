// The shop's own back end (examples/tea-server): it makes the WeChat Pay order and signs the payment
// parameters; the mini program never holds a merchant key. `make demo` runs it on 127.0.0.1:8001 and
// allows it as a request domain; a `backend` launch query points elsewhere (only allowed domains work).
const DEFAULT_BACKEND = 'http://127.0.0.1:8001'

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

// Create the order on the shop's server: it answers the order and the wx.requestPayment parameters.
async function createOrder(items, remark, pickup) {
  const code = await login()
  return call({
    url: '/api/orders',
    method: 'POST',
    data: { code, items: items.map((item) => ({ id: item.id, count: item.count })), remark, pickup },
  })
}

function getOrder(id) {
  return call({ url: `/api/orders/${id}`, method: 'GET' })
}

function shareInfo(shareTicket) {
  return new Promise((resolve, reject) => wx.getShareInfo({ shareTicket, success: resolve, fail: reject }))
}

// Which group brought this customer: log in on the shop's server first (it keeps the session_key),
// then wx.getShareInfo, whose data only that server can decrypt into the group's openGId.
async function enterGroup(shareTicket) {
  const { token } = await call({ url: '/api/login', method: 'POST', data: { code: await login() } })
  const { encryptedData, iv } = await shareInfo(shareTicket)
  return call({ url: '/api/share/group', method: 'POST', data: { token, encryptedData, iv } })
}

module.exports = { createOrder, getOrder, enterGroup }
