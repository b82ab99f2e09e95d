// @ts-check
/** WeChat's built-in component names (kept equal to compiler/builtins.py; a test checks the two agree). */
export const BUILTIN_TAGS = new Set([
   'page', 'view', 'scroll-view', 'swiper', 'swiper-item', 'movable-area', 'movable-view',
   'cover-view', 'cover-image', 'match-media', 'page-container', 'root-portal', 'text', 'icon',
   'progress', 'rich-text', 'button', 'checkbox', 'checkbox-group', 'editor', 'form', 'input',
   'keyboard-accessory', 'label', 'picker', 'picker-view', 'picker-view-column', 'radio',
   'radio-group', 'slider', 'switch', 'textarea', 'navigator', 'functional-page-navigator', 'audio',
   'camera', 'image', 'live-player', 'live-pusher', 'video', 'voip-room', 'map', 'canvas',
   'web-view', 'ad', 'ad-custom', 'official-account', 'open-data', 'navigation-bar', 'page-meta',
   'channel-live', 'channel-video', 'store-product', 'block', 'slot',
  // Early components WeChat has since replaced with APIs; older public mini programs still use them.
  'toast', 'loading', 'modal', 'action-sheet', 'action-sheet-item', 'action-sheet-cancel',
  // Skyline's layout components, drawn with web layout.
  'list-view', 'grid-view', 'sticky-section', 'sticky-header', 'span', 'snapshot', 'selection',
]);
