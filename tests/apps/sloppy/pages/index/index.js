function factorial(n) {
  return n <= 1 ? 1 : n * arguments.callee(n - 1)
}

function strictThis() {
  'use strict'
  return this === undefined
}

Page({
  data: { result: '', strict: '' },
  onLoad() {
    sloppyGlobal = factorial(5) + launchCount
    this.setData({ result: 'ok ' + sloppyGlobal + ' ' + global.shared, strict: 'strict ' + strictThis() })
  },
})
