// A simple quote: a base price per home size, plus distance, floors without a lift, and extras.
const SIZES = ['单间 Studio', '一居 1 bedroom', '两居 2 bedrooms', '三居+ 3+ bedrooms']
const BASE = [299, 499, 799, 1199]
const EXTRAS = [
  { id: 'pack', name: '打包服务 Packing', price: 200 },
  { id: 'piano', name: '钢琴搬运 Piano', price: 500 },
  { id: 'clean', name: '新家保洁 Cleaning', price: 150 },
]

function quote(inquiry) {
  const base = BASE[inquiry.size] || BASE[0]
  const distance = Math.max(0, Number(inquiry.distance) - 10) * 8
  const stairs = inquiry.lift ? 0 : Math.max(0, Number(inquiry.floor) - 1) * 40
  const extras = EXTRAS.filter((extra) => inquiry.extras.indexOf(extra.id) >= 0).reduce(
    (sum, extra) => sum + extra.price,
    0,
  )
  const lines = [
    { name: '基础价 Base', amount: base },
    { name: '距离 Distance', amount: distance },
    { name: '楼层 Stairs', amount: stairs },
    { name: '增值服务 Extras', amount: extras },
  ]
  return { lines, total: lines.reduce((sum, line) => sum + line.amount, 0) }
}

module.exports = { SIZES, EXTRAS, quote }
