// mp-form-page: a form's page layout: title, controls, tips, buttons, footer (weui-miniprogram's
// interface, Hutong's implementation).
Component({
  options: { multipleSlots: true },
  properties: {
    title: { type: String, value: '' },
    subtitle: { type: String, value: '' },
  },
  relations: {
    '../cells/cells': {
      type: 'descendant',
      linked(cells) {
        cells.setOuterClass('weui-cells__group_form')
      },
    },
  },
})
