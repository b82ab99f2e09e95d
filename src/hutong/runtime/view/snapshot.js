// @ts-check
/**
 * A picture of the top of this page, for a share card when onShareAppMessage gives no imageUrl (WeChat
 * uses the top 5:4 of the current page). Browsers have no native "render this DOM to an image" call
 * short of screen capture (a permission prompt), and copying a third-party library (html2canvas) is
 * not allowed here, so this uses the browser's own SVG renderer: the page's top region, every element
 * with its computed style written inline (shadow roots and slots flattened, images as data: URLs), in
 * an SVG <foreignObject>, drawn onto a canvas and encoded as PNG. Only this frame's own DOM is read:
 * the frame draws itself, the host only receives the PNG bytes. Anything that cannot be copied (an
 * image without CORS, a video) is left as an empty box of its size.
 */

const SKIP = new Set(['SCRIPT', 'STYLE', 'LINK', 'TEMPLATE', 'META', 'NOSCRIPT', 'VIDEO', 'AUDIO', 'IFRAME', 'OBJECT']);
const XHTML = 'http://www.w3.org/1999/xhtml';

/** @param {string} text */
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The computed style as one inline declaration list. @param {Element} el */
function styleOf(el) {
  const computed = getComputedStyle(el);
  let out = '';
  for (let i = 0; i < computed.length; i += 1) {
    const name = computed[i];
    out += `${name}:${computed.getPropertyValue(name)};`;
  }
  return out;
}

/** @param {string} src @returns {Promise<string>} */
async function dataUrl(src) {
  try {
    const response = await fetch(src, { mode: 'cors', credentials: 'omit' });
    if (!response.ok) return '';
    const blob = await response.blob();
    return await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => resolve('');
      reader.readAsDataURL(blob);
    });
  } catch {
    return '';
  }
}

/** The element's children as rendered: a shadow root's, with each slot's assigned nodes in its place. @param {Node} node */
function renderedChildren(node) {
  const el = /** @type {any} */ (node);
  if (el.tagName === 'SLOT') {
    const assigned = el.assignedNodes({ flatten: true });
    return assigned.length ? assigned : Array.from(el.childNodes);
  }
  return Array.from((el.shadowRoot || el).childNodes);
}

/** @param {Node} node @param {number} bottom @param {Map<string, string>} images @returns {Promise<string>} */
async function serialize(node, bottom, images) {
  if (node.nodeType === Node.TEXT_NODE) return escape(node.textContent || '');
  if (node.nodeType !== Node.ELEMENT_NODE) return '';
  const el = /** @type {HTMLElement} */ (node);
  if (SKIP.has(el.tagName)) return '';
  const children = renderedChildren(el);
  if (el.tagName === 'SLOT') return (await Promise.all(children.map((child) => serialize(child, bottom, images)))).join('');
  const rect = el.getBoundingClientRect();
  if (rect.top > bottom) return ''; // below the picture
  const style = escape(styleOf(el));
  if (el.tagName === 'IMG') {
    const src = /** @type {HTMLImageElement} */ (el).currentSrc;
    if (src && !images.has(src)) images.set(src, await dataUrl(src));
    const data = images.get(src) || '';
    return data ? `<img style="${style}" src="${escape(data)}"/>` : `<div style="${style}"></div>`;
  }
  if (el.tagName === 'CANVAS') {
    let data = '';
    try {
      data = /** @type {HTMLCanvasElement} */ (el).toDataURL('image/png');
    } catch {
      data = '';
    }
    return data ? `<img style="${style}" src="${data}"/>` : `<div style="${style}"></div>`;
  }
  if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
    return `<div style="${style}">${escape(/** @type {HTMLInputElement} */ (el).value || /** @type {HTMLInputElement} */ (el).placeholder || '')}</div>`;
  }
  const inner = (await Promise.all(children.map((child) => serialize(child, bottom, images)))).join('');
  return `<div style="${style}">${inner}</div>`;
}

/**
 * The top 5:4 of the page as PNG bytes, at most ``maxWidth`` pixels wide; null if the browser refused.
 * @param {number} [maxWidth]
 * @returns {Promise<ArrayBuffer | null>}
 */
export async function snapshot(maxWidth = 500) {
  const width = Math.max(1, document.documentElement.clientWidth);
  const height = Math.round((width * 4) / 5);
  const body = await serialize(document.body, height, new Map());
  const background = getComputedStyle(document.documentElement).backgroundColor;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<foreignObject x="0" y="0" width="${width}" height="${height}">` +
    `<div xmlns="${XHTML}" style="width:${width}px;height:${height}px;overflow:hidden;background:${escape(background)}">${body}</div>` +
    '</foreignObject></svg>';
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  try {
    await image.decode();
  } catch {
    return null;
  }
  const scale = Math.min(1, maxWidth / width);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.fillStyle = background && background !== 'rgba(0, 0, 0, 0)' ? background : '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  try {
    const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no image'))), 'image/png'));
    return await /** @type {Blob} */ (blob).arrayBuffer();
  } catch {
    return null; // a tainted canvas: no picture
  }
}
