// mp-gallery: pictures full screen, one at a time, with delete (weui-miniprogram's interface, Hutong's
// implementation). Events: change {current}, delete {url, index}, hide.
const popup = require('../behaviors/popup.js')

Component({
  behaviors: [popup],
  properties: {
    imgUrls: { type: Array, value: [], observer: '_imgsChange' },
    showDelete: { type: Boolean, value: true },
    show: { type: Boolean, value: true, observer: '_showChange' },
    current: { type: Number, value: 0 },
    hideOnClick: { type: Boolean, value: true },
    extClass: { type: String, value: '' },
    rootPortal: { type: Boolean, value: false },
  },
  data: { currentImgs: [] },
  lifetimes: {
    attached() {
      this._imgsChange(this.data.imgUrls)
    },
  },
  methods: {
    _imgsChange(urls) {
      this.setData({ currentImgs: Array.isArray(urls) ? urls.slice() : [] })
    },
    change(e) {
      this.setData({ current: e.detail.current })
      this.triggerEvent('change', { current: e.detail.current }, {})
    },
    deleteImg() {
      const imgs = this.data.currentImgs.slice()
      const index = this.data.current
      const [url] = imgs.splice(index, 1)
      this.triggerEvent('delete', { url, index }, {})
      if (!imgs.length) {
        this.setData({ currentImgs: imgs })
        this._hide()
        return
      }
      this.setData({ current: 0, currentImgs: imgs })
    },
    hideGallery() {
      if (this.data.hideOnClick) this._hide()
    },
    _hide() {
      this.setData({ show: false })
      this.triggerEvent('hide', {}, {})
    },
  },
})
