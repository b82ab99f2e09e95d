App({
  globalData: {
    services: [
      { id: 'id-card', name: '身份证办理 ID card', hall: '市民中心 1 号厅' },
      { id: 'residence', name: '居住证 Residence permit', hall: '市民中心 2 号厅' },
      { id: 'business', name: '营业执照 Business licence', hall: '政务服务中心' },
    ],
  },
})
