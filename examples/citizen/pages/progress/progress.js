Page({
  data: {
    declaration: null,
    steps: [],
  },

  onShow() {
    const declaration = wx.getStorageSync('declaration') || null
    const steps = [
      { title: '已提交 Submitted', time: declaration ? declaration.submittedAt : '', state: declaration ? 'done' : 'todo' },
      { title: '受理中 Under review', time: '', state: declaration ? 'current' : 'todo' },
      { title: '已办结 Completed', time: '', state: 'todo' },
    ]
    this.setData({ declaration, steps })
  },
})
