// mp-grids: a 3-column grid of icons with labels, each a navigator (weui-miniprogram's interface,
// Hutong's implementation). Each grid takes {imgUrl, text} and navigator fields (url, openType...).
const DEFAULTS = {
  target: 'self',
  url: '',
  openType: 'navigate',
  delta: 1,
  appId: '',
  path: '',
  extraData: '',
  version: 'release',
  hoverClass: 'navigator-hover',
}

Component({
  properties: {
    extClass: { type: String, value: '' },
    grids: { type: Array, value: [], observer: '_gridsChange' },
  },
  data: { innerGrids: [] },
  lifetimes: {
    attached() {
      this._gridsChange(this.data.grids)
    },
  },
  methods: {
    _gridsChange(grids) {
      const list = Array.isArray(grids) ? grids : []
      this.setData({ innerGrids: list.map((grid) => ({ ...DEFAULTS, ...grid })) })
    },
    tapGrid() {},
  },
})
