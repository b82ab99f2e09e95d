// mp-badge: a red count, or a dot without content (weui-miniprogram's interface, Hutong's implementation).
Component({
  properties: {
    extClass: { type: String, value: '' },
    content: { type: String, value: '' },
    ariaLabel: { type: String, value: '' },
  },
})
