// This week's campaign. A real brand serves it from its server with wx.request.
module.exports = [
  { id: 'c10', title: '满 50 减 10 · 全场零食', amount: 10, threshold: 50, stock: 500, days: 7 },
  { id: 'c5', title: '薯片第二件 5 元', amount: 5, threshold: 0, stock: 300, days: 3 },
  { id: 'c20', title: '新店开业 满 99 减 20', amount: 20, threshold: 99, stock: 100, days: 14 },
]
