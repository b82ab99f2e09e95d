// mp-icon: an icon by name, in `color`, `size` px (weui-miniprogram's interface, Hutong's
// implementation and drawings). A name Hutong does not draw shows nothing and says so in the console.
import { SHAPES } from './shapes.js'

function source(name, type) {
  const shape = SHAPES[name]
  if (!shape) return ''
  const field = type === 'field'
  const body = field && shape.field ? shape.field : shape.outline
  const width = shape.tall ? 12 : 24
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 24" fill="none" stroke="#000" ` +
    `stroke-width="${field && !shape.field ? 2.2 : 1.5}" stroke-linecap="round" stroke-linejoin="round">` +
    body +
    '</svg>'
  // Unquoted in url(): parentheses and quotes escaped too.
  return 'data:image/svg+xml,' + encodeURIComponent(svg).replace(/[()']/g, (c) => '%' + c.charCodeAt(0).toString(16))
}

Component({
  properties: {
    extClass: { type: String, value: '' },
    type: { type: String, value: 'outline', observer: '_draw' },
    icon: { type: String, value: '', observer: '_draw' },
    size: { type: Number, value: 20, observer: '_draw' },
    color: { type: String, value: '#000000' },
  },
  data: { src: '', width: 20, height: 20 },
  lifetimes: {
    attached() {
      this._draw()
    },
  },
  methods: {
    _draw() {
      const { icon, type, size } = this.data
      const shape = SHAPES[icon]
      if (icon && !shape) console.warn(`mp-icon: icon "${icon}" is not supported by Hutong`)
      this.setData({
        src: source(icon, type),
        width: size,
        height: shape && shape.tall ? size * 2 : size,
      })
    },
  },
})
