// mp-msg: a result page (success, warning...) with title, description and actions
// (weui-miniprogram's interface, Hutong's implementation).
Component({
  options: { multipleSlots: true },
  properties: {
    title: { type: String, value: '' },
    type: { type: String, value: '' },
    icon: { type: String, value: '' },
    desc: { type: String, value: '' },
    extClass: { type: String, value: '' },
    size: { type: Number, value: 64 },
  },
})
