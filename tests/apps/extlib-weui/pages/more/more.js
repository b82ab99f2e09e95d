const FRUIT = ['apple', 'apricot', 'banana', 'cherry']

Page({
  data: {
    title: 'More',
    log: '',
    navLoading: false,
    loadingShown: true,
    search: null,
    slideButtons: [
      { text: 'Read', data: 'read-data' },
      { text: 'Delete', type: 'warn', data: { id: 7 } },
    ],
  },
  onLoad() {
    this.setData({ search: this.search.bind(this) })
  },
  add(entry) {
    this.setData({ log: this.data.log + entry + ';' })
  },
  search(value) {
    this.add('search:' + value)
    return new Promise((resolve) => {
      setTimeout(() => {
        resolve(FRUIT.filter((f) => f.startsWith(value)).map((f) => ({ text: f, value: f.length })))
      }, 10)
    })
  },
  onInput(e) {
    this.add('input:' + e.detail.value)
  },
  onSelect(e) {
    this.add('select:' + e.detail.index + ':' + e.detail.item.text + ':' + e.detail.item.value)
  },
  onClear() {
    this.add('clear')
  },
  onCancel() {
    this.add('cancel')
  },
  onSlideButton(e) {
    this.add('slide:' + e.detail.index + ':' + JSON.stringify(e.detail.data))
  },
  onSlideShow() {
    this.add('slideshow')
  },
  onSlideHide() {
    this.add('slidehide')
  },
  toggle() {
    this.setData({ navLoading: !this.data.navLoading, loadingShown: !this.data.loadingShown })
  },
  onBack(e) {
    getApp().back = 'back:' + e.detail.delta
  },
})
