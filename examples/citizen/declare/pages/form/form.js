const KINDS = ['居住证申报 Residence', '个体工商户 Sole trader', '补贴申请 Subsidy']

Page({
  data: {
    kinds: KINDS,
    kind: 0,
    photos: [],
  },

  onKind(event) {
    this.setData({ kind: Number(event.detail.value) })
  },

  onAddPhoto() {
    wx.chooseMedia({
      count: 3 - this.data.photos.length,
      mediaType: ['image'],
      success: (res) => {
        this.setData({ photos: this.data.photos.concat(res.tempFiles.map((file) => file.tempFilePath)) })
      },
    })
  },

  onRemovePhoto(event) {
    const photos = this.data.photos.slice()
    photos.splice(event.currentTarget.dataset.index, 1)
    this.setData({ photos })
  },

  onSubmit(event) {
    const { name, idNumber } = event.detail.value
    if (!name || !idNumber) {
      wx.showToast({ title: '请填写完整 Fill in every field', icon: 'none' })
      return
    }
    const now = new Date()
    wx.setStorageSync('declaration', {
      kind: KINDS[this.data.kind],
      name,
      idNumber,
      photos: this.data.photos,
      submittedAt: `${now.getFullYear()}-${now.getMonth() + 1}-${now.getDate()}`,
    })
    wx.showToast({ title: '已提交 Submitted', icon: 'success' })
    wx.redirectTo({ url: '/pages/progress/progress' })
  },
})
