// Hutong's own drawings for mp-icon, on a 24×24 grid (arrow and back: 12×24). `outline` is stroked;
// `field` is filled where given, else the outline drawn heavier. Names follow weui-miniprogram's.
const ring = '<circle cx="12" cy="12" r="9"/>'
// A filled disc with `marks` cut out of it (for the field variants of info, error, help, add...).
const disc = (marks) =>
  '<mask id="m"><rect width="24" height="24" fill="#fff"/><g stroke="#000" fill="#000">' +
  marks +
  '</g></mask><circle cx="12" cy="12" r="10" fill="#000" stroke="none" mask="url(#m)"/>'

const info = '<path d="M12 10.5v6.5" fill="none"/><circle cx="12" cy="7.5" r=".6"/>'
const error = '<path d="M12 6.5v7" fill="none"/><circle cx="12" cy="16.8" r=".6"/>'
const help =
  '<path d="M9.3 9.5a2.7 2.7 0 1 1 3.7 2.5c-.7.3-1 .8-1 1.5v.8" fill="none"/><circle cx="12" cy="17" r=".6"/>'
const plus = '<path d="M12 7v10M7 12h10"/>'

export const SHAPES = {
  add: { outline: '<path d="M12 4v16M4 12h16"/>' },
  add2: { outline: ring + plus, field: disc(plus) },
  arrow: { outline: '<path d="M2.5 6.5L8 12l-5.5 5.5"/>', tall: true },
  back: { outline: '<path d="M9.5 6.5L4 12l5.5 5.5"/>', tall: true },
  close: { outline: '<path d="M5.5 5.5l13 13M18.5 5.5l-13 13"/>' },
  close2: {
    outline: ring + '<path d="M9 9l6 6M15 9l-6 6"/>',
    field: disc('<path d="M9 9l6 6M15 9l-6 6"/>'),
  },
  done: { outline: '<path d="M4 12.5l5 5L20 6.5"/>' },
  done2: { outline: ring + '<path d="M7.5 12.2l3 3 6-6"/>', field: disc('<path d="M7.5 12.2l3 3 6-6"/>') },
  search: { outline: '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5L20 20"/>' },
  info: { outline: ring + info, field: disc(info) },
  error: { outline: ring + error, field: disc(error) },
  help: { outline: ring + help, field: disc(help) },
  delete: {
    outline: '<path d="M4 6.5h16M9.5 6.5V4.5h5v2M6.5 6.5l1 13.5h9l1-13.5M10 10v6.5M14 10v6.5"/>',
    field: '<path d="M4 6.5h16M9.5 6.5V4.5h5v2"/><path d="M6.5 6.5l1 13.5h9l1-13.5z" fill="#000"/>',
  },
  home: {
    outline: '<path d="M4 10.5L12 4l8 6.5V20h-5.5v-5.5h-5V20H4z"/>',
    field: '<path d="M4 10.5L12 4l8 6.5V20h-5.5v-5.5h-5V20H4z" fill="#000"/>',
  },
  me: {
    outline: '<circle cx="12" cy="8.5" r="4"/><path d="M4.5 20a7.5 7.5 0 0 1 15 0z"/>',
    field: '<circle cx="12" cy="8.5" r="4" fill="#000"/><path d="M4.5 20a7.5 7.5 0 0 1 15 0z" fill="#000"/>',
  },
  more: {
    outline:
      '<circle cx="5.5" cy="12" r="1.2" fill="#000"/><circle cx="12" cy="12" r="1.2" fill="#000"/>' +
      '<circle cx="18.5" cy="12" r="1.2" fill="#000"/>',
  },
  setting: {
    outline: '<circle cx="12" cy="12" r="3"/><circle cx="12" cy="12" r="7.5" stroke-dasharray="3.2 2.7"/>',
  },
  star: {
    outline: '<path d="M12 3.5l2.6 5.6 6.1.7-4.5 4.2 1.2 6-5.4-3-5.4 3 1.2-6-4.5-4.2 6.1-.7z"/>',
    field: '<path d="M12 3.5l2.6 5.6 6.1.7-4.5 4.2 1.2 6-5.4-3-5.4 3 1.2-6-4.5-4.2 6.1-.7z" fill="#000"/>',
  },
  like: {
    outline: '<path d="M12 20s-8-4.8-8-10.3A4.2 4.2 0 0 1 12 7.6a4.2 4.2 0 0 1 8 2.1C20 15.2 12 20 12 20z"/>',
    field:
      '<path d="M12 20s-8-4.8-8-10.3A4.2 4.2 0 0 1 12 7.6a4.2 4.2 0 0 1 8 2.1C20 15.2 12 20 12 20z" fill="#000"/>',
  },
  location: {
    outline: '<path d="M12 21s-6.5-6.2-6.5-11a6.5 6.5 0 0 1 13 0c0 4.8-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.3"/>',
  },
  camera: {
    outline: '<path d="M3.5 7.5h4l1.5-2.5h6l1.5 2.5h4v12h-17z"/><circle cx="12" cy="13" r="3.5"/>',
  },
  share: { outline: '<path d="M13 4.5h6.5V11M19.5 4.5L11 13M17 14v5.5H4.5V7H10"/>' },
  refresh: { outline: '<path d="M19 12a7 7 0 1 1-2.1-5M19.5 4v4h-4"/>' },
  time: { outline: ring + '<path d="M12 7v5.5l3.5 2"/>', field: disc('<path d="M12 7v5.5l3.5 2"/>') },
  lock: {
    outline: '<rect x="5" y="10.5" width="14" height="9.5" rx="1"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5"/>',
  },
  email: { outline: '<rect x="3.5" y="5.5" width="17" height="13" rx="1"/><path d="M4 6.5l8 6.5 8-6.5"/>' },
  pencil: { outline: '<path d="M15.5 4.5l4 4L9 19H5v-4zM13 7l4 4"/>' },
  copy: { outline: '<rect x="8" y="8" width="12" height="12" rx="1"/><path d="M16 8V4H4v12h4"/>' },
  download: { outline: '<path d="M12 4v11M7.5 10.5L12 15l4.5-4.5M5 19.5h14"/>' },
  'eyes-on': {
    outline: '<path d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z"/><circle cx="12" cy="12" r="3"/>',
  },
  'eyes-off': {
    outline: '<path d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z"/><path d="M4 20L20 4"/>',
  },
}
