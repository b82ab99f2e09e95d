// mp-checkbox: one row of an mp-checkbox-group (weui-miniprogram's interface, Hutong's
// implementation). `change` carries {value, checked}.
Component({
  options: { multipleSlots: true },
  properties: {
    multi: { type: Boolean, value: true },
    checked: { type: Boolean, value: false },
    value: { type: String, value: '' },
    label: { type: String, value: 'label' },
    extClass: { type: String, value: '' },
    disabled: { type: Boolean, value: false },
  },
  relations: {
    '../checkbox-group/checkbox-group': { type: 'ancestor' },
  },
  methods: {
    setMulti(multi) {
      this.setData({ multi })
    },
    _group() {
      return this.getRelationNodes('../checkbox-group/checkbox-group')[0] || null
    },
    checkedChange() {
      if (this.data.disabled) return
      // Several: a tap toggles. One: a tap chooses, and choosing the chosen one does nothing.
      if (!this.data.multi && this.data.checked) return
      const checked = this.data.multi ? !this.data.checked : true
      this.setData({ checked })
      const group = this._group()
      if (group) group.checkedChange(checked, this)
      this.triggerEvent('change', { value: this.data.value, checked })
    },
  },
})
