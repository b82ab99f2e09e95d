// @ts-check
/** `<image>` with WeChat's 14 modes, lazy-load and load/error events; `<cover-image>` is an image too. */
import { emit } from '../events.js';
import { Builtin, define, flag, resolveAsset } from './base.js';

/** background-size / background-position for each mode (widthFix and heightFix size the element). */
const MODES = /** @type {Record<string, [string, string]>} */ ({
  scaleToFill: ['100% 100%', '0% 0%'],
  aspectFit: ['contain', 'center center'],
  aspectFill: ['cover', 'center center'],
  widthFix: ['100% 100%', '0% 0%'],
  heightFix: ['100% 100%', '0% 0%'],
  top: ['auto auto', 'center top'],
  bottom: ['auto auto', 'center bottom'],
  center: ['auto auto', 'center center'],
  left: ['auto auto', 'left center'],
  right: ['auto auto', 'right center'],
  'top left': ['auto auto', 'left top'],
  'top right': ['auto auto', 'right top'],
  'bottom left': ['auto auto', 'left bottom'],
  'bottom right': ['auto auto', 'right bottom'],
});
export const IMAGE_MODES = Object.keys(MODES);

const IMAGE_CSS = `:host { display: inline-block; overflow: hidden; position: relative; }
.pic { position: absolute; inset: 0; background-repeat: no-repeat; }
img { display: none; }`;

class Image extends Builtin {
  // `style` too: a re-render that sets the style attribute must not lose widthFix's computed side.
  static observed = ['src', 'mode', 'lazy-load', 'show-menu-by-longpress', 'webp', 'fade-in', 'style'];
  /** @type {HTMLImageElement} */
  img;
  /** @type {HTMLElement} */
  pic;
  natural = { width: 0, height: 0 };
  /** @type {string | null} */
  loaded = null;
  /** @type {IntersectionObserver | null} */
  lazy = null;
  /** true while fit() writes the size it computed (which calls render() again) */
  fitting = false;

  constructor() {
    super();
    const root = this.shadow(IMAGE_CSS, '<div class="pic" part="image"></div><img alt="">');
    this.img = /** @type {HTMLImageElement} */ (root.querySelector('img'));
    this.pic = /** @type {HTMLElement} */ (root.querySelector('.pic'));
    this.img.addEventListener('load', () => {
      this.natural = { width: this.img.naturalWidth, height: this.img.naturalHeight };
      this.pic.style.backgroundImage = `url("${this.img.src.replace(/"/g, '%22')}")`;
      this.fit();
      emit(this, 'load', { width: this.natural.width, height: this.natural.height });
    });
    this.img.addEventListener('error', () => {
      emit(this, 'error', { errMsg: `GET ${this.getAttribute('src') || ''} 404 (Not Found)` });
    });
    // show-menu-by-longpress: the browser's own menu for the image (save, share) on a long press.
    this.pic.addEventListener('contextmenu', (event) => {
      if (!flag(this, 'show-menu-by-longpress')) event.preventDefault();
    });
  }

  /** widthFix/heightFix: the other side follows the picture's proportions. */
  fit() {
    const mode = this.getAttribute('mode') || 'scaleToFill';
    const { width, height } = this.natural;
    if (!width || !height) return;
    // Only when it changes by half a pixel or more: writing the style attribute calls render() again,
    // and the browser may round what it keeps ("133.333px"), so comparing strings never settles.
    if (this.fitting) return;
    this.fitting = true;
    try {
      if (mode === 'widthFix') {
        const h = (this.getBoundingClientRect().width * height) / width;
        if (!(Math.abs(parseFloat(this.style.height) - h) < 0.5)) this.style.height = `${h}px`;
      } else if (mode === 'heightFix') {
        const w = (this.getBoundingClientRect().height * width) / height;
        if (!(Math.abs(parseFloat(this.style.width) - w) < 0.5)) this.style.width = `${w}px`;
      }
    } finally {
      this.fitting = false;
    }
    const [size, position] = MODES[mode] || MODES.scaleToFill;
    // The positioned modes show the picture at its own size, cropped by the box.
    this.pic.style.backgroundSize = size === 'auto auto' ? `${width}px ${height}px` : size;
    this.pic.style.backgroundPosition = position;
  }

  render() {
    const mode = this.getAttribute('mode') || 'scaleToFill';
    this.setAttribute('hutong-mode', mode);
    this.fit();
    const src = this.getAttribute('src') || '';
    if (src === this.loaded) return;
    if (flag(this, 'lazy-load') && !this.lazy) {
      this.lazy = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          this.lazy?.disconnect();
          this.load(this.getAttribute('src') || '');
        }
      }, { rootMargin: '50% 0px' });
      this.lazy.observe(this);
      return;
    }
    if (!this.lazy || this.loaded !== null) this.load(src);
  }

  /** @param {string} src */
  load(src) {
    this.loaded = src;
    if (!src) {
      this.pic.style.backgroundImage = '';
      return;
    }
    this.img.src = resolveAsset(this, src);
  }
}
define('wx-image', Image);
define('wx-cover-image', class extends Image {});
