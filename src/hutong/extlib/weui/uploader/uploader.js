// mp-uploader: choose pictures, hand them to the app's `upload(files)` (a Promise of {urls}), show
// their progress, preview and delete them (weui-miniprogram's interface, Hutong's implementation).
// Events: select {tempFilePaths, tempFiles, contents}, success {urls}, fail {type, errMsg}
// (1: too large, 2: choosing failed, 3: upload failed), cancel, delete {index, item}.
Component({
  options: { multipleSlots: true },
  properties: {
    title: { type: String, value: '图片上传' },
    sizeType: { type: Array, value: ['original', 'compressed'] },
    sourceType: { type: Array, value: ['album', 'camera'] },
    maxSize: { type: Number, value: 5 * 1024 * 1024 },
    maxCount: { type: Number, value: 1 },
    files: { type: Array, value: [] },
    select: { type: null, value: null },
    upload: { type: null, value: null },
    tips: { type: String, value: '' },
    extClass: { type: String, value: '' },
    showDelete: { type: Boolean, value: true },
  },
  data: { showPreview: false, previewImageUrls: [], previewCurrent: 0 },
  methods: {
    previewImage(e) {
      const index = e.currentTarget.dataset.index
      this.setData({
        previewImageUrls: this.data.files.map((file) => file.url),
        previewCurrent: index,
        showPreview: true,
      })
    },
    hidePreview() {
      this.setData({ showPreview: false })
    },
    chooseImage() {
      if (this._uploading) return
      wx.chooseImage({
        count: Math.max(1, this.data.maxCount - this.data.files.length),
        sizeType: this.data.sizeType,
        sourceType: this.data.sourceType,
        success: (res) => this._chosen(res),
        fail: (err) => {
          if (String(err.errMsg || '').indexOf('cancel') >= 0) {
            this.triggerEvent('cancel', {}, {})
            return
          }
          this.triggerEvent('fail', { ...err, type: 2 }, {})
        },
      })
    },
    _chosen(res) {
      const tooLarge = res.tempFiles.findIndex((file) => file.size > this.data.maxSize)
      if (typeof this.data.select === 'function' && this.data.select(res) === false) return
      if (tooLarge >= 0) {
        this.triggerEvent(
          'fail',
          {
            type: 1,
            errMsg: `chooseImage:fail size exceed ${this.data.maxSize}`,
            total: res.tempFilePaths.length,
            index: tooLarge,
          },
          {},
        )
        return
      }
      const fs = wx.getFileSystemManager()
      const contents = res.tempFilePaths.map((path) => {
        try {
          return fs.readFileSync(path)
        } catch (err) {
          return null
        }
      })
      const chosen = { tempFilePaths: res.tempFilePaths, tempFiles: res.tempFiles, contents }
      this.triggerEvent('select', chosen, {})
      if (typeof this.data.upload !== 'function') return
      const start = this.data.files.length
      const added = res.tempFilePaths.map((url) => ({ url, loading: true }))
      this.setData({ files: this.data.files.concat(added) })
      this._uploading = true
      Promise.resolve()
        .then(() => this.data.upload(chosen))
        .then((json) => {
          this._uploading = false
          if (!json || !Array.isArray(json.urls)) {
            this._mark(start, added.length, { error: true })
            this.triggerEvent('fail', { type: 3, errMsg: 'upload file fail, urls not found' }, {})
            return
          }
          const files = this.data.files.slice()
          json.urls.forEach((url, i) => {
            if (files[start + i]) files[start + i] = { ...files[start + i], url, loading: false }
          })
          this.setData({ files })
          this.triggerEvent('success', json, {})
        })
        .catch((error) => {
          this._uploading = false
          this._mark(start, added.length, { error: true })
          this.triggerEvent('fail', { type: 3, errMsg: 'upload file fail', error }, {})
        })
    },
    _mark(start, count, change) {
      const files = this.data.files.slice()
      for (let i = start; i < start + count && i < files.length; i++) files[i] = { ...files[i], ...change, loading: false }
      this.setData({ files })
    },
    /** The gallery deleted a picture: drop it and tell the page. */
    deletePic(e) {
      const index = e.detail.index
      const files = this.data.files.slice()
      const [item] = files.splice(index, 1)
      this.setData({ files })
      this.triggerEvent('delete', { index, item })
    },
  },
})
