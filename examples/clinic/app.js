const doctors = [
  { id: 'd1', name: '王医生 Dr Wang', dept: '全科 General', title: '主任医师', rating: 4.9, fee: 50, online: true },
  { id: 'd2', name: '李医生 Dr Li', dept: '儿科 Paediatrics', title: '副主任医师', rating: 4.8, fee: 40, online: true },
  { id: 'd3', name: '陈医生 Dr Chen', dept: '皮肤科 Dermatology', title: '主治医师', rating: 4.7, fee: 30, online: false },
  { id: 'd4', name: '赵医生 Dr Zhao', dept: '全科 General', title: '主治医师', rating: 4.6, fee: 30, online: true },
]

App({
  globalData: { doctors },
})
