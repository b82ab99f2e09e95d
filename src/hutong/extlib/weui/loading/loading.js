// mp-loading: dots or a spinner with tips (weui-miniprogram's interface, Hutong's implementation).
Component({
  properties: {
    extClass: { type: String, value: '' },
    show: { type: Boolean, value: true },
    animated: { type: Boolean, value: false },
    duration: { type: Number, value: 350 },
    type: { type: String, value: 'dot-gray' },
    tips: { type: String, value: '加载中' },
  },
})
