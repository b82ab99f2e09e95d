// The analytics journey (tests/analytics/test_collection_journey.py): nothing here reports anything;
// the runtime counts the views, stays, timings and the error by itself.
Page({
  data: {},
  open() {
    wx.navigateTo({ url: '/pages/detail/detail' })
  },
  boom() {
    const order = undefined
    return order.total
  },
})
