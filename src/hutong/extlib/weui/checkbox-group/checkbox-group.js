// mp-checkbox-group: mp-checkbox rows, several or one chosen (weui-miniprogram's interface, Hutong's
// implementation). `change` carries {value}: the chosen values (multi) or the chosen value.
Component({
  options: { multipleSlots: true },
  properties: {
    multi: { type: Boolean, value: true, observer: '_multiChange' },
    extClass: { type: String, value: '' },
    prop: { type: String, value: '' },
  },
  relations: {
    '../checkbox/checkbox': {
      type: 'descendant',
      linked(target) {
        target.setMulti(this.data.multi)
      },
    },
    '../form/form': { type: 'ancestor' },
  },
  methods: {
    _boxes() {
      return this.getRelationNodes('../checkbox/checkbox')
    },
    /** Called by a box the user changed. */
    checkedChange(checked, target) {
      const boxes = this._boxes()
      if (this.data.multi) {
        const value = boxes.filter((box) => !box.data.disabled && box.data.checked).map((box) => box.data.value)
        this.triggerEvent('change', { value })
        return
      }
      for (const box of boxes) {
        if (box !== target && box.data.checked) box.setData({ checked: false })
      }
      this.triggerEvent('change', { value: target.data.value }, {})
    },
    _multiChange(multi) {
      for (const box of this._boxes()) box.setMulti(multi)
    },
  },
})
