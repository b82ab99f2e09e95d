import { greet } from '../util'
const { upper } = require('../../utils/format')

Page({
  data: { text: upper(greet('shop')), entry: String(getApp().globalData.entered) },
  onLoad(query) {
    this.setData({ x: query.x })
  },
})
