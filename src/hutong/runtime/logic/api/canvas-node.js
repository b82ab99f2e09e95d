// @ts-check
/**
 * `<canvas type="2d">` and `type="webgl"`: the Canvas node WeChat hands the logic thread. The node
 * draws into an OffscreenCanvas of this thread, so getContext, getImageData, measureText and WebGL
 * are the browser's own and synchronous. After each task that drew, a copy of the pixels goes to the
 * page frame as an ImageBitmap, shown by the element's `bitmaprenderer` canvas.
 *
 * Why not transferControlToOffscreen: the page frame is a sandboxed iframe that Chromium runs in a
 * process of its own, and transferring a placeholder canvas from it to this worker crashed the
 * renderer (Chromium 156). An ImageBitmap crosses processes like any other message.
 *
 * Kept free of page and wx imports: query.js imports it (api/canvas.js has the wx APIs).
 */
import { withSansSerif } from '../../common/font-fallback.js';
import { toView } from '../bridge.js';
import { callHost } from '../call.js';
import { guard } from '../errors.js';
import { bytesOf } from './file.js';
import { base64, encodePng } from './png.js';

/** What marks a 2D context's canvas as changed. */
const DRAWS_2D = ['fillRect', 'strokeRect', 'clearRect', 'fill', 'stroke', 'fillText', 'strokeText', 'drawImage', 'putImageData', 'reset'];
/** What marks a WebGL context's canvas as changed. */
const DRAWS_GL = ['clear', 'drawArrays', 'drawElements'];

/** @param {any} image an image made by createImage, another Canvas, or anything drawImage takes */
const unwrap = (image) => (image instanceof CanvasImage ? image.bitmap : image instanceof Canvas ? image.__canvas : image);

/** An image for drawImage and createPattern, loaded the way WeChat's `Canvas.createImage()` is. */
export class CanvasImage {
  /** @param {string} base the page or component path relative paths start from */
  constructor(base) {
    this.base = base;
    /** @type {ImageBitmap | null} */
    this.bitmap = null;
    this.currentSrc = '';
    this.complete = false;
    /** @type {((event: any) => void) | null} */
    this.onload = null;
    /** @type {((event: any) => void) | null} */
    this.onerror = null;
  }

  get width() {
    return this.bitmap ? this.bitmap.width : 0;
  }

  get height() {
    return this.bitmap ? this.bitmap.height : 0;
  }

  get naturalWidth() {
    return this.width;
  }

  get naturalHeight() {
    return this.height;
  }

  get src() {
    return this.currentSrc;
  }

  set src(value) {
    this.currentSrc = String(value ?? '');
    this.complete = false;
    const src = this.currentSrc;
    loadBitmap(src, this.base).then(
      (bitmap) => {
        if (src !== this.currentSrc) return;
        this.bitmap = bitmap;
        this.complete = true;
        if (typeof this.onload === 'function') guard(() => /** @type {Function} */ (this.onload).call(this, { type: 'load' }));
      },
      (error) => {
        if (src !== this.currentSrc) return;
        this.complete = true;
        if (typeof this.onerror === 'function') guard(() => /** @type {Function} */ (this.onerror).call(this, { type: 'error', errMsg: String(error?.message || error) }));
      },
    );
  }
}

/**
 * The pixels of an image the app names: a file of its own (`wxfile://`, `http://tmp/`), a data: URL,
 * or, through the host, a package image or an allowed network image.
 * @param {string} src @param {string} base
 */
async function loadBitmap(src, base) {
  if (!src) throw new Error('empty src');
  let bytes = bytesOf(src);
  if (!bytes && src.startsWith('data:')) bytes = dataUrlBytes(src);
  if (!bytes) {
    const res = await callHost('hutongImageBytes', { src: packagePath(src, base) });
    bytes = res.bytes;
  }
  return createImageBitmap(new Blob([/** @type {ArrayBuffer} */ (bytes)]));
}

/** This thread has no fetch (worker.js removes it): data: URLs are decoded here. @param {string} url */
function dataUrlBytes(url) {
  const comma = url.indexOf(',');
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (head.endsWith(';base64')) return Uint8Array.from(atob(body), (c) => c.charCodeAt(0)).buffer;
  return new TextEncoder().encode(decodeURIComponent(body)).buffer;
}

/** A path as written in a page or component, made relative to the package root. @param {string} src @param {string} base */
function packagePath(src, base) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) return src;
  const parts = src.startsWith('/') ? [] : base.split('/').slice(0, -1);
  for (const part of src.split(/[?#]/)[0].split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** A Canvas as WeChat's `type="2d"`/`type="webgl"` node and wx.createOffscreenCanvas give it. */
export class Canvas {
  /**
   * @param {number} width @param {number} height @param {string} base
   * @param {{pageId: number, nodeId: number} | null} shown where the pixels are shown, if anywhere
   */
  constructor(width, height, base, shown) {
    this.__canvas = new OffscreenCanvas(Math.max(0, Math.round(width)), Math.max(0, Math.round(height)));
    /** The element's CSS width: wx.canvasToTempFilePath counts in CSS pixels. */
    this.__cssWidth = shown ? width : 0;
    this.__base = base;
    this.__shown = shown;
    /** @type {any} */
    this.__context = null;
    this.__pending = false;
    this.__sent = 0;
    this.__made = 0;
  }

  get width() {
    return this.__canvas.width;
  }

  set width(value) {
    this.__canvas.width = Math.max(0, Math.round(Number(value) || 0));
    this.__changed();
  }

  get height() {
    return this.__canvas.height;
  }

  set height(value) {
    this.__canvas.height = Math.max(0, Math.round(Number(value) || 0));
    this.__changed();
  }

  /** @param {string} type "2d", "webgl" or "webgl2" @param {Record<string, any>} [attributes] */
  getContext(type, attributes) {
    if (this.__context) return this.__context.__type === type ? this.__context : null;
    const kind = String(type);
    // The pixels are copied after the task that drew them, so WebGL keeps its drawing buffer.
    const options = kind === '2d' ? attributes : { preserveDrawingBuffer: true, ...(attributes || {}) };
    /** @type {any} */
    const ctx = this.__canvas.getContext(/** @type {any} */ (kind), options);
    if (!ctx) return null;
    ctx.__type = kind;
    for (const name of kind === '2d' ? DRAWS_2D : DRAWS_GL) {
      const own = ctx[name];
      if (typeof own !== 'function') continue;
      ctx[name] = (/** @type {any[]} */ ...args) => {
        const out = own.apply(ctx, name === 'drawImage' ? [unwrap(args[0]), ...args.slice(1)] : args);
        this.__changed();
        return out;
      };
    }
    if (kind === '2d') {
      // A family the device lacks falls back to sans-serif, as on a phone (common/font-fallback.js).
      const font = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ctx), 'font');
      if (font && font.get && font.set) {
        const { get, set } = font;
        Object.defineProperty(ctx, 'font', {
          get: () => get.call(ctx),
          set: (/** @type {any} */ value) => set.call(ctx, withSansSerif(String(value), true)),
          configurable: true,
        });
      }
      const pattern = ctx.createPattern;
      ctx.createPattern = (/** @type {any} */ image, /** @type {string} */ repetition) => pattern.call(ctx, unwrap(image), repetition);
    }
    this.__context = ctx;
    return ctx;
  }

  createImage() {
    return new CanvasImage(this.__base);
  }

  /** @param {number} width @param {number} height */
  createImageData(width, height) {
    return new ImageData(width, height);
  }

  /** @param {any} [path] */
  createPath2D(path) {
    return new Path2D(path);
  }

  /** @param {FrameRequestCallback} callback */
  requestAnimationFrame(callback) {
    const self = /** @type {any} */ (globalThis);
    const run = (/** @type {number} */ time) => guard(() => callback(time));
    return typeof self.requestAnimationFrame === 'function' ? self.requestAnimationFrame(run) : setTimeout(() => run(performance.now()), 16);
  }

  /** @param {number} id */
  cancelAnimationFrame(id) {
    const self = /** @type {any} */ (globalThis);
    if (typeof self.cancelAnimationFrame === 'function') self.cancelAnimationFrame(id);
    else clearTimeout(id);
  }

  /** Always a PNG (the encoder is ours and synchronous); `type` and `quality` are accepted. */
  toDataURL() {
    const { width, height } = this.__canvas;
    return `data:image/png;base64,${base64(encodePng(width, height, this.__pixels(0, 0, width, height)))}`;
  }

  /** RGBA rows from the top, unpremultiplied. @param {number} x @param {number} y @param {number} w @param {number} h */
  __pixels(x, y, w, h) {
    const ctx = this.__context;
    if (!ctx || !w || !h) return new Uint8ClampedArray(Math.max(0, w * h * 4));
    if (ctx.__type === '2d') return ctx.getImageData(x, y, w, h).data;
    const out = new Uint8Array(w * h * 4);
    ctx.readPixels(x, this.__canvas.height - y - h, w, h, ctx.RGBA, ctx.UNSIGNED_BYTE, out);
    // WebGL's rows start at the bottom.
    const flipped = new Uint8ClampedArray(out.length);
    for (let row = 0; row < h; row++) flipped.set(out.subarray(row * w * 4, (row + 1) * w * 4), (h - 1 - row) * w * 4);
    return flipped;
  }

  /** Something was drawn: show it once this task is over. */
  __changed() {
    if (!this.__shown || this.__pending) return;
    this.__pending = true;
    queueMicrotask(() => {
      this.__pending = false;
      this.__show();
    });
  }

  __show() {
    const shown = this.__shown;
    if (!shown || !this.__canvas.width || !this.__canvas.height) return;
    const made = ++this.__made;
    createImageBitmap(this.__canvas).then(
      (bitmap) => {
        // A later copy that arrived first wins.
        if (made < this.__sent) return bitmap.close();
        this.__sent = made;
        toView(shown.pageId, { t: 'component:call', target: shown.nodeId, method: 'frame', args: [bitmap] }, [bitmap]);
      },
      () => {},
    );
  }
}

/** The Canvas nodes handed out, by page and node, so a second query returns the same one. @type {Map<string, Canvas>} */
const nodes = new Map();

/**
 * The Canvas node for a `<canvas type="2d|webgl">` vnode a SelectorQuery found, or undefined for any
 * other element. Its first size is the element's CSS size, as in WeChat.
 * @param {number} pageId @param {any} node @param {[number, number] | undefined} size
 */
export function canvasNodeFor(pageId, node, size) {
  if (!node || node.t !== 'canvas') return undefined;
  const type = String(node.a?.type ?? '');
  if (type !== '2d' && type !== 'webgl') return undefined;
  const key = `${pageId}:${node.n}`;
  let canvas = nodes.get(key);
  if (!canvas) {
    const owner = node.o || {};
    const base = String(owner.is || owner.route || '');
    const [width, height] = size || [300, 150];
    canvas = new Canvas(width, height, base, { pageId, nodeId: node.n });
    nodes.set(key, canvas);
  }
  return canvas;
}

/** A page is gone: forget its nodes. @param {number} pageId */
export function forgetCanvases(pageId) {
  for (const key of Array.from(nodes.keys())) if (key.startsWith(`${pageId}:`)) nodes.delete(key);
}

