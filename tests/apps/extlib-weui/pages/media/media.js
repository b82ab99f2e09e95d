Page({
  data: {
    log: '',
    files: [{ url: '/images/dot.png' }],
    gallery: false,
    pictures: ['/images/dot.png', '/images/dot-on.png'],
    upload: null,
    select: null,
  },
  onLoad() {
    this.setData({ upload: this.upload.bind(this), select: this.select.bind(this) })
  },
  add(entry) {
    this.setData({ log: this.data.log + entry + ';' })
  },
  select(res) {
    this.add('filter:' + res.tempFilePaths.length)
    return true
  },
  upload(files) {
    this.add('upload:' + files.tempFilePaths.length)
    return new Promise((resolve) => {
      this.release = () => resolve({ urls: ['/images/dot-on.png'] })
    })
  },
  finish() {
    this.release()
  },
  onSelect(e) {
    const bytes = e.detail.contents[0] ? e.detail.contents[0].byteLength : -1
    this.add('select:' + e.detail.tempFiles.length + ':' + bytes)
  },
  onSuccess(e) {
    this.add('success:' + e.detail.urls.join(','))
  },
  onFail(e) {
    this.add('fail:' + e.detail.type)
  },
  onDelete(e) {
    this.add('delete:' + e.detail.index + ':' + e.detail.item.url)
  },
  openGallery() {
    this.setData({ gallery: true })
  },
  onChange(e) {
    this.add('change:' + e.detail.current)
  },
  onGalleryDelete(e) {
    this.add('gdelete:' + e.detail.index + ':' + e.detail.url)
  },
  onHide() {
    this.add('hide')
    this.setData({ gallery: false })
  },
})
