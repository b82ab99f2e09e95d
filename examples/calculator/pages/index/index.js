const { initial, press } = require('./calc.js')

const KEYS = [
  ['C', '±', '%', '÷'],
  ['7', '8', '9', '×'],
  ['4', '5', '6', '-'],
  ['1', '2', '3', '+'],
  ['0', '.', '='],
]

Page({
  data: {
    rows: KEYS,
    display: '0',
    operator: '',
  },

  onLoad() {
    this.state = initial()
  },

  onKey(event) {
    const { key } = event.currentTarget.dataset
    this.state = press(this.state, key)
    this.setData({ display: this.state.display, operator: this.state.operator || '' })
  },
})
