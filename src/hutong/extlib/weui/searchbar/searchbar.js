// mp-searchbar: a search field that asks `search(value)` (a function returning a Promise of
// [{text, value}]) for results as the user types, at most once per `throttle` ms and always for the
// last value typed (weui-miniprogram's interface, Hutong's implementation).
Component({
  properties: {
    extClass: { type: String, value: '' },
    focus: { type: Boolean, value: false },
    placeholder: { type: String, value: '搜索' },
    value: { type: String, value: '' },
    search: { type: null, value: null },
    throttle: { type: Number, value: 500 },
    cancelText: { type: String, value: '取消' },
    cancel: { type: Boolean, value: true },
  },
  data: { result: [], searchState: false },
  lifetimes: {
    attached() {
      if (this.data.focus || this.data.value) this.setData({ searchState: true })
    },
    detached() {
      clearTimeout(this._timer)
    },
  },
  methods: {
    showInput() {
      this.setData({ focus: true, searchState: true })
    },
    hideInput() {
      clearTimeout(this._timer)
      this.setData({ searchState: false, focus: false })
      this.triggerEvent('cancel')
    },
    clearInput() {
      clearTimeout(this._timer)
      this._asked = (this._asked || 0) + 1
      this.setData({ value: '', focus: false, result: [] })
      this.triggerEvent('clear')
    },
    inputFocus(e) {
      this.triggerEvent('focus', e.detail)
    },
    inputBlur(e) {
      this.setData({ focus: false })
      this.triggerEvent('blur', e.detail)
    },
    inputConfirm(e) {
      this.triggerEvent('confirm', e.detail)
    },
    inputChange(e) {
      this.setData({ value: e.detail.value })
      this.triggerEvent('input', e.detail)
      if (typeof this.data.search !== 'function') return
      clearTimeout(this._timer)
      const wait = Math.max(0, (this._last || 0) + this.data.throttle - Date.now())
      this._timer = setTimeout(() => this._runSearch(), wait)
    },
    /** Ask for results; an answer to an older question than the latest is dropped. */
    _runSearch() {
      this._last = Date.now()
      this._asked = (this._asked || 0) + 1
      const asked = this._asked
      const value = this.data.value
      Promise.resolve()
        .then(() => this.data.search(value))
        .then((result) => {
          if (asked === this._asked) this.setData({ result: Array.isArray(result) ? result : [] })
        })
        .catch((err) => console.error('mp-searchbar: search failed', err))
    },
    selectResult(e) {
      const index = e.currentTarget.dataset.index
      this.triggerEvent('selectresult', { index, item: this.data.result[index] })
    },
  },
})
