// a 4x2 PNG, red
const PIC = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>')
Page({
  data: { rows: [1, 2, 3, 4, 5, 6, 7, 8], into: '', current: 0, pic: PIC, log: '', wf: 80 },
  add(entry) { this.setData({ log: this.data.log + entry + ';' }) },
  scrolled: false,
  onScroll(e) { if (!this.scrolled) { this.scrolled = true; this.add('scroll:' + (e.detail.scrollTop > 0) + ':' + e.detail.scrollHeight) } },
  onLower(e) { this.add('lower:' + e.detail.direction) },
  onSwiper(e) { this.add('swiper:' + e.detail.current + ':' + e.detail.currentItemId + ':' + e.detail.source) },
  onImage(e) { this.add('load:' + e.detail.width + 'x' + e.detail.height) },
  onLocal(e) { this.add('local:' + e.detail.width + 'x' + e.detail.height) },
  onError(e) { this.add('error:' + (e.detail.errMsg ? 'y' : 'n')) },
  onPlay() {},
  onSeek(e) { this.add('seek:' + e.detail.position) },
  seek() { wx.createVideoContext('vid').seek(5) },
  jump() { this.setData({ into: 'row8', current: 2, wf: 120 }) },
  draw() {
    const ctx = wx.createCanvasContext('cv')
    ctx.setFillStyle('#00ff00')
    ctx.fillRect(0, 0, 50, 50)
    ctx.draw(false, () => this.add('drawn'))
  },
})
