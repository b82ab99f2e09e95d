App({
  // A campaign link (a poster, a share) opens snacks with the brand's back end and the voucher stock it
  // hands out: ?stock=<stock_id>[&backend=<url>]; without stock, the back end names the one it offers.
  onLaunch(options) {
    const query = (options && options.query) || {}
    if (query.backend) this.globalData.backend = decodeURIComponent(query.backend)
    if (query.stock) this.globalData.stock = String(query.stock)
  },
  globalData: { backend: '', stock: '' },
})
