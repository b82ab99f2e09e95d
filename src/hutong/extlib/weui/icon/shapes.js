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
  'add-friends': { outline: '<circle cx="10" cy="8.5" r="3.5"/><path d="M3.5 19.5a6.5 6.5 0 0 1 11-4.7M18 14v6M15 17h6"/>' },
  back2: { outline: ring + '<path d="M13.5 8L9.5 12l4 4"/>', field: disc('<path d="M13.5 8L9.5 12l4 4"/>') },
  'delete-on': {
    outline: '<path d="M4 6.5h16M9.5 6.5V4.5h5v2M6.5 6.5l1 13.5h9l1-13.5M9.5 11l5 5M14.5 11l-5 5"/>',
  },
  'group-detail': {
    outline: '<circle cx="9" cy="8.5" r="3"/><path d="M3.5 18.5a5.5 5.5 0 0 1 11 0M15.5 6a3 3 0 0 1 0 5.5M17 13.5a5.5 5.5 0 0 1 3.5 5"/>',
  },
  imac: { outline: '<rect x="3" y="4" width="18" height="12.5" rx="1"/><path d="M3 13.5h18M10 16.5l-.5 3.5h5l-.5-3.5M8 20h8"/>' },
  'max-window': { outline: '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>' },
  mike2: { outline: ring + '<rect x="10" y="6.5" width="4" height="7" rx="2"/><path d="M8.5 12a3.5 3.5 0 0 0 7 0M12 15.5v2"/>' },
  'mobile-contacts': {
    outline: '<rect x="6.5" y="3" width="11" height="18" rx="1.5"/><circle cx="12" cy="10" r="2"/><path d="M9 15.5a3 3 0 0 1 6 0"/>',
  },
  more2: {
    outline:
      ring + '<circle cx="8" cy="12" r=".9" fill="#000"/><circle cx="12" cy="12" r=".9" fill="#000"/><circle cx="16" cy="12" r=".9" fill="#000"/>',
    field: disc('<circle cx="8" cy="12" r=".9"/><circle cx="12" cy="12" r=".9"/><circle cx="16" cy="12" r=".9"/>'),
  },
  mosaic: {
    outline:
      '<rect x="4" y="4" width="16" height="16"/><path d="M4 9.3h16M4 14.7h16M9.3 4v16M14.7 4v16"/>' +
      '<path d="M4 4h5.3v5.3H4zM14.7 4H20v5.3h-5.3zM9.3 9.3h5.4v5.4H9.3zM4 14.7h5.3V20H4zM14.7 14.7H20V20h-5.3z" fill="#000"/>',
  },
  'music-off': {
    outline: '<path d="M9 17.5V5.5l10-2v12M3.5 3.5l17 17"/><circle cx="6.5" cy="17.5" r="2.5"/><circle cx="16.5" cy="15.5" r="2.5"/>',
  },
  'photo-wall': {
    outline: '<rect x="3.5" y="3.5" width="7" height="7"/><rect x="13.5" y="3.5" width="7" height="7"/><rect x="3.5" y="13.5" width="7" height="7"/><rect x="13.5" y="13.5" width="7" height="7"/>',
  },
  play2: { outline: ring + '<path d="M10 8.5v7l5.5-3.5z"/>', field: disc('<path d="M10 8.5v7l5.5-3.5z"/>') },
  previous2: { outline: ring + '<path d="M14.5 8.5v7L9.5 12zM9 8.5v7"/>', field: disc('<path d="M14.5 8.5v7L9.5 12zM9 8.5v7"/>') },
  'report-problem': {
    outline: '<path d="M12 3.5l9 16H3z"/><path d="M12 9.5v5" /><circle cx="12" cy="17" r=".6"/>',
    field:
      '<mask id="m"><rect width="24" height="24" fill="#fff"/><g stroke="#000" fill="#000"><path d="M12 9.5v5"/><circle cx="12" cy="17" r=".6"/></g></mask>' +
      '<path d="M12 3.5l9 16H3z" fill="#000" mask="url(#m)"/>',
  },
  sticker: { outline: '<path d="M4 4h16v9l-7 7H4z"/><path d="M20 13h-7v7"/><path d="M8.5 9.5h.01M14.5 9.5h.01M8.5 13.5a3.5 3.5 0 0 0 3.5 2"/>' },
  'transfer-text': { outline: '<path d="M4 5.5h16v11H9.5L6 19.5v-3H4z"/><path d="M8 9.5h8M8 12.5h5"/>' },
  transfer2: { outline: '<path d="M4 9h15l-4-4M20 15H5l4 4"/>' },
  translate: { outline: '<path d="M3.5 6h9M8 4v2M5.5 6a9 9 0 0 0 6 7.5M11 6a9 9 0 0 1-6.5 8M13 20l3.5-9 3.5 9M14.2 17h4.6"/>' },
  'video-call': { outline: '<rect x="3" y="6.5" width="12.5" height="11" rx="1"/><path d="M15.5 10.5l5.5-3v9l-5.5-3z"/>' },
  album: {
    outline: '<rect x="3.5" y="4.5" width="17" height="15" rx="1"/><circle cx="9" cy="9.5" r="1.5"/><path d="M3.5 16.5l5-4.5 4 3.5 3-2.5 5 4"/>',
  },
  at: { outline: '<circle cx="12" cy="12" r="3.5"/><path d="M15.5 12v1.5a2.5 2.5 0 0 0 5 0V12a8.5 8.5 0 1 0-3.5 6.9"/>' },
  'bellring-on': {
    outline: '<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15zM10 20.5h4"/>',
    field: '<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z" fill="#000"/><path d="M10 20.5h4"/>',
  },
  'bellring-off': { outline: '<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15zM10 20.5h4M4 4l16 16"/>' },
  cellphone: { outline: '<rect x="6.5" y="3" width="11" height="18" rx="1.5"/><path d="M11 18h2"/>' },
  clip: { outline: '<path d="M16.5 8.5l-7 7a2 2 0 0 1-3-3l8-8a3.5 3.5 0 0 1 5 5l-8.5 8.5a5 5 0 0 1-7-7L11 4"/>' },
  comment: {
    outline: '<path d="M4 5.5h16v11H9.5L6 19.5v-3H4z"/>',
    field: '<path d="M4 5.5h16v11H9.5L6 19.5v-3H4z" fill="#000"/>',
  },
  contacts: { outline: '<circle cx="12" cy="9" r="3.5"/><path d="M5.5 19.5a6.5 6.5 0 0 1 13 0"/><rect x="3" y="3" width="18" height="18" rx="1.5"/>' },
  discover: { outline: ring + '<path d="M15.5 8.5l-2 5-5 2 2-5z"/>', field: disc('<path d="M15.5 8.5l-2 5-5 2 2-5z"/>') },
  display: { outline: '<rect x="3" y="4.5" width="18" height="12" rx="1"/><path d="M8.5 20h7M12 16.5V20"/>' },
  folder: {
    outline: '<path d="M3.5 6.5a1 1 0 0 1 1-1h5l2 2h8a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-15a1 1 0 0 1-1-1z"/>',
    field: '<path d="M3.5 6.5a1 1 0 0 1 1-1h5l2 2h8a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-15a1 1 0 0 1-1-1z" fill="#000"/>',
  },
  keyboard: {
    outline: '<rect x="2.5" y="6" width="19" height="12" rx="1"/><path d="M6 9.5h1M9.5 9.5h1M13 9.5h1M16.5 9.5h1M6 12.5h1M17 12.5h1M8.5 15h7"/>',
  },
  link: {
    outline: '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
  },
  mike: {
    outline: '<rect x="9" y="3.5" width="6" height="11" rx="3"/><path d="M6 11.5a6 6 0 0 0 12 0M12 17.5v3"/>',
    field: '<rect x="9" y="3.5" width="6" height="11" rx="3" fill="#000"/><path d="M6 11.5a6 6 0 0 0 12 0M12 17.5v3"/>',
  },
  music: {
    outline: '<path d="M9 17.5V5.5l10-2v12"/><circle cx="6.5" cy="17.5" r="2.5"/><circle cx="16.5" cy="15.5" r="2.5"/>',
  },
  note: { outline: '<rect x="5" y="3.5" width="14" height="17" rx="1"/><path d="M8.5 8h7M8.5 12h7M8.5 16h4"/>' },
  pad: { outline: '<rect x="4.5" y="3" width="15" height="18" rx="1.5"/><path d="M11 18h2"/>' },
  pause: { outline: '<path d="M9 6v12M15 6v12"/>' },
  play: {
    outline: '<path d="M8 5.5v13l10-6.5z"/>',
    field: '<path d="M8 5.5v13l10-6.5z" fill="#000"/>',
  },
  previous: { outline: '<path d="M17 5.5v13L8 12zM6.5 5.5v13"/>', field: '<path d="M17 5.5v13L8 12z" fill="#000"/><path d="M6.5 5.5v13"/>' },
  'qr-code': {
    outline:
      '<rect x="4" y="4" width="6" height="6"/><rect x="14" y="4" width="6" height="6"/><rect x="4" y="14" width="6" height="6"/>' +
      '<path d="M14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2"/>',
  },
  sending: { outline: '<path d="M3.5 11.5l17-7-5 16-4-6.5zM11.5 14l9-9.5"/>' },
  shop: { outline: '<path d="M4 9.5l1.5-5h13L20 9.5M5 9.5v10h14v-10M4 9.5h16M9.5 19.5v-5h5v5"/>' },
  tag: {
    outline: '<path d="M3.5 12.5v-8h8l9 9-8 8z"/><circle cx="8" cy="8" r="1.3"/>',
  },
  text: { outline: '<path d="M5 6V4.5h14V6M12 4.5v15M9 19.5h6"/>' },
  tv: { outline: '<rect x="3" y="6.5" width="18" height="13" rx="1"/><path d="M8.5 3l3.5 3.5L15.5 3"/>' },
  voice: { outline: '<path d="M8 9.5a3.5 3.5 0 0 1 0 5M11.5 7a7 7 0 0 1 0 10M15 4.5a10.5 10.5 0 0 1 0 15"/>' },
  'volume-up': { outline: '<path d="M4 9.5h3.5L12 5.5v13L7.5 14.5H4zM15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11"/>' },
  'volume-down': { outline: '<path d="M4 9.5h3.5L12 5.5v13L7.5 14.5H4zM15.5 9a4 4 0 0 1 0 6"/>' },
  'volume-off': { outline: '<path d="M4 9.5h3.5L12 5.5v13L7.5 14.5H4zM15.5 9.5l5 5M20.5 9.5l-5 5"/>' },
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
