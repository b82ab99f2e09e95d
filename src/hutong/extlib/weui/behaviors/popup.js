// What every popup of the library shares (dialog, half-screen-dialog, actionsheet, gallery): the
// `show` property's observer shows the wrapper at once and hides it only after the 300 ms fade-out.
module.exports = Behavior({
  data: { wrapperShow: false, innerShow: false },
  lifetimes: {
    attached() {
      if (this.data.show) this._showChange(true)
    },
    detached() {
      clearTimeout(this._hideTimer)
    },
  },
  methods: {
    _showChange(show) {
      clearTimeout(this._hideTimer)
      if (show) {
        this.setData({ wrapperShow: true, innerShow: true })
      } else {
        this.setData({ innerShow: false })
        this._hideTimer = setTimeout(() => this.setData({ wrapperShow: false }), 300)
      }
    },
  },
})
