// @ts-check
/**
 * Components that reach past the page: video (and VideoContext calls), canvas (the legacy drawing
 * API replayed here), web-view (allow-listed origins only, in a nested sandboxed frame),
 * navigation-bar and page-meta (the host's bar, through the logic thread), open-data, movable-area
 * and movable-view, camera (pictures from the host, which owns the camera),
 * and an honest placeholder for what Hutong cannot show (live, ads).
 */
import { reportUnsupported } from '../diagnostics.js';
import { emit } from '../events.js';
import { Builtin, define, flag, num, platform, resolveAsset, toHost, toLogic } from './base.js';

// -- video ------------------------------------------------------------------------------------------------
class Video extends Builtin {
  static observed = ['src', 'controls', 'autoplay', 'loop', 'muted', 'poster', 'object-fit', 'initial-time'];
  /** @type {HTMLVideoElement} */
  video;

  constructor() {
    super();
    const root = this.shadow(':host { display: inline-block; width: 300px; height: 225px; background: #000; position: relative; overflow: hidden; } video { width: 100%; height: 100%; display: block; }', '<video playsinline></video>');
    const video = /** @type {HTMLVideoElement} */ (root.querySelector('video'));
    this.video = video;
    video.addEventListener('play', () => emit(this, 'play', {}));
    video.addEventListener('pause', () => emit(this, 'pause', {}));
    video.addEventListener('ended', () => emit(this, 'ended', {}));
    video.addEventListener('waiting', () => emit(this, 'waiting', {}));
    video.addEventListener('timeupdate', () => emit(this, 'timeupdate', { currentTime: video.currentTime, duration: video.duration || 0 }));
    video.addEventListener('loadedmetadata', () => {
      emit(this, 'loadedmetadata', { width: video.videoWidth, height: video.videoHeight, duration: video.duration });
      const start = num(this, 'initial-time', 0);
      if (start) video.currentTime = start;
    });
    video.addEventListener('error', () => emit(this, 'error', { errMsg: 'MEDIA_ERR_SRC_NOT_SUPPORTED' }));
    document.addEventListener('fullscreenchange', () => {
      emit(this, 'fullscreenchange', { fullScreen: document.fullscreenElement === this, direction: 'vertical' });
    });
  }

  render() {
    const v = this.video;
    const src = resolveAsset(this, this.getAttribute('src') || '');
    if (v.getAttribute('src') !== src) v.src = src;
    // On unless set false (logic/tree.js sends a false here as "false").
    v.controls = this.getAttribute('controls') === null || flag(this, 'controls');
    v.autoplay = flag(this, 'autoplay');
    v.loop = flag(this, 'loop');
    v.muted = flag(this, 'muted');
    v.poster = resolveAsset(this, this.getAttribute('poster') || '');
    const fit = this.getAttribute('object-fit') || 'contain';
    v.style.objectFit = fit === 'fill' ? 'fill' : fit;
  }

  /** VideoContext, from logic/api/media-context.js. @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    const v = this.video;
    switch (method) {
      case 'play':
        v.play().catch(() => {});
        break;
      case 'pause':
        v.pause();
        break;
      case 'stop':
        v.pause();
        v.currentTime = 0;
        break;
      case 'seek':
        v.currentTime = Number(args[0]) || 0;
        emit(this, 'seekcomplete', { position: v.currentTime });
        break;
      case 'playbackRate':
        v.playbackRate = Number(args[0]) || 1;
        break;
      case 'requestFullScreen':
        this.requestFullscreen?.().catch(() => {});
        break;
      case 'exitFullScreen':
        if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
        break;
      default:
        break;
    }
  }
}
define('wx-video', Video);

// -- camera ------------------------------------------------------------------------------------------------
/**
 * `<camera>`: the host opens the camera after the user's scope.camera consent (host/api/camera.js) and
 * sends each picture as an ImageBitmap, shown here by a `bitmaprenderer` canvas filling the element
 * (object-fit cover, as WeChat's camera fills its rectangle). device-position picks the facing mode at
 * open; mode="scanCode" has the host read the pictures for codes and send each read (bindscancode
 * {result, type, charSet, rawData}); flash and the other attributes are not acted on.
 */
class Camera extends Builtin {
  /** @type {HTMLCanvasElement} */
  canvas;
  opened = '';

  constructor() {
    super();
    const root = this.shadow(':host { display: block; width: 100%; height: 300px; background: #000; position: relative; overflow: hidden; } canvas { width: 100%; height: 100%; display: block; object-fit: cover; }', '<canvas></canvas>');
    this.canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('canvas'));
  }

  static observed = ['device-position'];

  render() {
    const facing = this.getAttribute('device-position') === 'front' ? 'front' : 'back';
    if (this.opened === facing) return;
    // The element's id reaches it only once it is in the page (vdom.js): ask on the next turn.
    queueMicrotask(() => {
      if (!this.isConnected || this.opened === facing) return;
      this.opened = facing;
      // mode is read at open only, as WeChat's (it cannot change once the camera is made).
      const mode = this.getAttribute('mode') === 'scanCode' ? 'scanCode' : 'normal';
      toHost(this, { t: 'camera', action: 'open', facing, mode });
    });
  }

  disconnectedCallback() {
    if (!this.opened) return;
    this.opened = '';
    toHost(this, { t: 'camera', action: 'close' });
  }

  /** What the host sends (host/api/camera.js). @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    switch (method) {
      case 'frame': {
        const bitmap = /** @type {ImageBitmap} */ (args[0]);
        if (this.canvas.width !== bitmap.width) this.canvas.width = bitmap.width;
        if (this.canvas.height !== bitmap.height) this.canvas.height = bitmap.height;
        /** @type {ImageBitmapRenderingContext} */ (this.canvas.getContext('bitmaprenderer')).transferFromImageBitmap(bitmap);
        return undefined;
      }
      case 'scancode':
        emit(this, 'scancode', args[0] || {});
        return undefined;
      case 'ready':
        emit(this, 'initdone', args[0] || {});
        return undefined;
      case 'error':
        this.opened = '';
        emit(this, 'error', args[0] || {});
        return undefined;
      case 'stop':
        this.opened = '';
        emit(this, 'stop', args[0] || {});
        return undefined;
      default:
        return undefined;
    }
  }
}
define('wx-camera', Camera);

// -- canvas -----------------------------------------------------------------------------------------------
/** The legacy setters, as canvas properties. */
const SETTERS = /** @type {Record<string, string>} */ ({
  setFillStyle: 'fillStyle', setStrokeStyle: 'strokeStyle', setLineWidth: 'lineWidth', setLineCap: 'lineCap',
  setLineJoin: 'lineJoin', setMiterLimit: 'miterLimit', setGlobalAlpha: 'globalAlpha', setTextAlign: 'textAlign',
  setTextBaseline: 'textBaseline',
});

/**
 * `<canvas>`. With `type="2d"` or `"webgl"` the logic thread draws (logic/api/canvas.js) and sends each
 * finished frame as an ImageBitmap, shown here by a `bitmaprenderer` context. The legacy canvas
 * (`canvas-id`, wx.createCanvasContext) records drawing calls in the logic thread and replays them here.
 */
class Canvas extends Builtin {
  static observed = ['type', 'canvas-id'];
  /** @type {HTMLCanvasElement} */
  canvas;
  /** @type {Map<string, HTMLImageElement>} */
  images = new Map();
  /** @type {any[][]} what is on the canvas now, replayed after a resize */
  drawn = [];

  constructor() {
    super();
    const root = this.shadow(':host { display: inline-block; width: 300px; height: 150px; position: relative; } canvas { width: 100%; height: 100%; display: block; }', '<canvas></canvas>');
    this.canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('canvas'));
    new ResizeObserver(() => this.size()).observe(this);
  }

  /** A Canvas node's pixels are the logic thread's; only the legacy canvas follows the element's size. */
  get modern() {
    const type = this.getAttribute('type');
    return type === '2d' || type === 'webgl';
  }

  size() {
    if (this.modern) return;
    const rect = this.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.replay();
    }
  }

  /** @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    switch (method) {
      case 'frame': {
        const bitmap = /** @type {ImageBitmap} */ (args[0]);
        if (this.canvas.width !== bitmap.width) this.canvas.width = bitmap.width;
        if (this.canvas.height !== bitmap.height) this.canvas.height = bitmap.height;
        /** @type {ImageBitmapRenderingContext} */ (this.canvas.getContext('bitmaprenderer')).transferFromImageBitmap(bitmap);
        return undefined;
      }
      case 'draw': {
        const [actions, reserve] = args;
        this.drawn = reserve ? [...this.drawn, ...actions] : actions;
        this.replay();
        return this.loaded();
      }
      case 'snapshot':
        return this.loaded().then(async () => ({ bitmap: await createImageBitmap(this.canvas), ratio: window.devicePixelRatio || 1 }));
      case 'getImageData':
        return this.loaded().then(() => this.imageData(args[0], args[1], args[2], args[3]));
      case 'putImageData':
        this.drawn = [...this.drawn, ['__put', args]];
        this.replay();
        return undefined;
      default:
        return undefined;
    }
  }

  /** Once every image the drawing uses has arrived (and been drawn). */
  async loaded() {
    const arrival = (/** @type {HTMLImageElement} */ img) => new Promise((done) => {
      img.addEventListener('load', done, { once: true });
      img.addEventListener('error', done, { once: true });
    });
    await Promise.all(Array.from(this.images.values(), (img) => (img.complete ? null : arrival(img))));
    return undefined;
  }

  /** Pixels in CSS units, as WeChat's canvasGetImageData gives them. @param {number} x @param {number} y @param {number} w @param {number} h */
  imageData(x, y, w, h) {
    const ratio = window.devicePixelRatio || 1;
    const out = document.createElement('canvas');
    out.width = w;
    out.height = h;
    const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext('2d'));
    ctx.drawImage(this.canvas, x * ratio, y * ratio, w * ratio, h * ratio, 0, 0, w, h);
    return { width: w, height: h, data: Array.from(ctx.getImageData(0, 0, w, h).data) };
  }

  replay() {
    if (this.modern) return;
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext('2d'));
    const ratio = window.devicePixelRatio || 1;
    ctx.reset?.();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = '10px sans-serif';
    for (const [name, args] of this.drawn) this.run(ctx, name, args);
  }

  /** @param {CanvasRenderingContext2D} ctx @param {string} name @param {any[]} args */
  run(ctx, name, args) {
    const any = /** @type {any} */ (ctx);
    if (name === '=') any[args[0]] = this.paint(ctx, args[1]);
    else if (SETTERS[name]) any[SETTERS[name]] = this.paint(ctx, args[0]);
    else if (name === 'setFontSize') ctx.font = ctx.font.replace(/\d+(\.\d+)?px/, `${args[0]}px`);
    else if (name === 'setLineDash') {
      ctx.setLineDash(Array.isArray(args[0]) ? args[0] : []);
      ctx.lineDashOffset = Number(args[1]) || 0;
    } else if (name === 'setShadow') Object.assign(ctx, { shadowOffsetX: args[0], shadowOffsetY: args[1], shadowBlur: args[2], shadowColor: args[3] });
    else if (name === 'drawImage') {
      const img = this.image(String(args[0]));
      if (img) any.drawImage(img, ...args.slice(1));
    } else if (name === '__put') {
      const [data, x, y, w, h] = args;
      const tile = document.createElement('canvas');
      tile.width = w;
      tile.height = h;
      /** @type {CanvasRenderingContext2D} */ (tile.getContext('2d')).putImageData(new ImageData(new Uint8ClampedArray(data), w, h), 0, 0);
      ctx.drawImage(tile, x, y);
    } else if (typeof any[name] === 'function') any[name](...args);
  }

  /** Gradients and patterns arrive as descriptions. @param {CanvasRenderingContext2D} ctx @param {any} value */
  paint(ctx, value) {
    if (value && typeof value === 'object' && value.__gradient) {
      const [kind, args, stops] = value.__gradient;
      const g = kind === 'linear' ? ctx.createLinearGradient(args[0], args[1], args[2], args[3])
        : ctx.createRadialGradient(args[0], args[1], args[2], args[3], args[4], args[5]);
      for (const [offset, color] of stops) g.addColorStop(offset, color);
      return g;
    }
    if (value && typeof value === 'object' && value.__pattern) {
      const img = this.image(String(value.__pattern[0]));
      return img ? ctx.createPattern(img, value.__pattern[1] || 'repeat') : 'transparent';
    }
    return value;
  }

  /** An image, if it has arrived; otherwise it starts loading and everything is redrawn once it has. @param {string} src */
  image(src) {
    const img = this.images.get(src);
    if (img && img.complete && img.naturalWidth) return img;
    if (!img) {
      const next = new window.Image();
      next.onload = () => this.replay();
      next.src = resolveAsset(this, src);
      this.images.set(src, next);
    }
    return null;
  }
}
define('wx-canvas', Canvas);

// -- web-view ---------------------------------------------------------------------------------------------
/** Is `url` on the app's webview allow-list (an https origin named in the manifest)? @param {string} url */
export function webviewAllowed(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  return platform.webviewDomains.some((domain) => {
    try {
      return new URL(domain).origin === parsed.origin;
    } catch {
      return false;
    }
  });
}

class WebView extends Builtin {
  static observed = ['src'];

  constructor() {
    super();
    this.shadow(':host { display: block; position: fixed; inset: 0; z-index: 100; background: #fff; } iframe { border: 0; width: 100%; height: 100%; } .error { padding: 40px 24px; color: #e64340; text-align: center; font-size: 15px; }', '');
  }

  render() {
    const src = this.getAttribute('src') || '';
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const style = root.querySelector('style');
    if (webviewAllowed(src)) {
      const frame = document.createElement('iframe');
      // Its own origin, but no top navigation, no popups, no access to this frame.
      frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms');
      frame.setAttribute('referrerpolicy', 'no-referrer');
      frame.src = src;
      frame.addEventListener('load', () => emit(this, 'load', { src }));
      root.replaceChildren(/** @type {Node} */ (style), frame);
    } else {
      const message = document.createElement('div');
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `无法打开该页面：${src || '(空地址)'} 不在小程序的业务域名列表中`;
      root.replaceChildren(/** @type {Node} */ (style), message);
      emit(this, 'error', { src, errMsg: 'web-view: the domain is not in the app\'s webview domain list' });
    }
  }
}
define('wx-web-view', WebView);

// -- navigation-bar and page-meta -------------------------------------------------------------------------
class NavigationBar extends Builtin {
  static observed = ['title', 'front-color', 'background-color', 'loading'];

  render() {
    this.hidden = true;
    toLogic(this, {
      action: 'navigation-bar',
      title: this.getAttribute('title'),
      frontColor: this.getAttribute('front-color'),
      backgroundColor: this.getAttribute('background-color'),
      loading: this.hasAttribute('loading') ? flag(this, 'loading') : null,
    });
  }
}
define('wx-navigation-bar', NavigationBar);

class PageMeta extends Builtin {
  static observed = ['background-color', 'background-text-style', 'root-font-size', 'page-style', 'page-font-size', 'scroll-top', 'scroll-duration'];

  constructor() {
    super();
    window.addEventListener('resize', () => emit(this, 'resize', { size: { windowWidth: window.innerWidth, windowHeight: window.innerHeight } }));
    window.addEventListener('scroll', () => emit(this, 'scroll', { scrollTop: document.scrollingElement?.scrollTop || 0 }), { passive: true });
  }

  render() {
    this.hidden = true;
    const html = document.documentElement;
    const root = this.getAttribute('root-font-size');
    if (root) html.style.fontSize = /^\d+$/.test(root) ? `${root}px` : root;
    const bg = this.getAttribute('background-color');
    if (bg) html.style.background = bg;
    const pageStyle = this.getAttribute('page-style');
    const page = /** @type {HTMLElement | null} */ (document.querySelector('wx-page'));
    if (page && pageStyle !== null) page.setAttribute('style', pageStyle);
    const fontSize = this.getAttribute('page-font-size');
    if (page && fontSize) page.style.fontSize = /^\d+$/.test(fontSize) ? `${fontSize}px` : fontSize;
    const top = this.getAttribute('scroll-top');
    if (top !== null && top !== '') {
      const behavior = num(this, 'scroll-duration', 300) === 0 ? 'instant' : 'smooth';
      requestAnimationFrame(() => window.scrollTo({ top: parseFloat(top) || 0, behavior }));
    }
  }
}
define('wx-page-meta', PageMeta);

// -- open-data --------------------------------------------------------------------------------------------
/**
 * The user's own nickname and avatar (and the other userInfo fields), drawn here from what the host
 * sends this frame (host/api/profile.js): the real values only once the user allowed scope.userInfo
 * for this app, WeChat's anonymous ones before. The logic thread never sees them (no event, query or
 * render carries them back), only this frame's DOM holds them.
 */
const OPEN_DATA_FIELDS = /** @type {Record<string, string>} */ ({
  userNickName: 'nickName',
  userAvatarUrl: 'avatarUrl',
  userGender: 'gender',
  userCity: 'city',
  userProvince: 'province',
  userCountry: 'country',
  userLanguage: 'language',
});

class OpenData extends HTMLElement {
  static observedAttributes = ['type', 'default-text', 'default-avatar', 'lang'];
  /** @type {Record<string, any> | null} */
  data = null;
  asked = false;

  constructor() {
    super();
    this.view = this.attachShadow({ mode: 'open' });
  }

  connectedCallback() {
    if (!this.asked) {
      this.asked = true;
      toHost(this, { t: 'open-data' });
    }
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  /** The host's answer (and its updates when the user decides). @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    if (method !== 'openData') return;
    this.data = args[0] && typeof args[0] === 'object' ? args[0] : null;
    this.render();
  }

  render() {
    const type = this.getAttribute('type') || '';
    const field = OPEN_DATA_FIELDS[type];
    const value = field && this.data ? this.data[field] : undefined;
    if (type === 'userAvatarUrl') {
      const avatar = (this.data?.allowed && value) || this.getAttribute('default-avatar') || value || '';
      const img = document.createElement('span');
      img.className = 'avatar';
      img.setAttribute('part', 'avatar');
      img.style.cssText = 'display:inline-block;width:100%;height:100%;min-width:1em;min-height:1em;background:#dcdcdc center/cover no-repeat';
      if (avatar) img.style.backgroundImage = `url("${String(avatar).replace(/"/g, '%22')}")`;
      this.view.replaceChildren(img);
      return;
    }
    const fallback = this.getAttribute('default-text') || '';
    let text = value === undefined || value === '' ? fallback : String(value);
    if (type === 'userNickName' && !this.data?.allowed) text = fallback || String(value ?? '微信用户');
    if (type === 'userGender') text = ['', '男', '女'][Number(value)] || fallback;
    const span = document.createElement('span');
    span.className = 'text';
    span.setAttribute('part', 'text');
    span.textContent = text;
    this.view.replaceChildren(span);
  }
}
define('wx-open-data', OpenData);

// -- movable-area and movable-view ------------------------------------------------------------------------
class MovableView extends Builtin {
  static observed = ['x', 'y', 'direction', 'disabled', 'out-of-bounds', 'inertia', 'scale', 'scale-value'];
  pos = { x: 0, y: 0 };
  /** @type {Record<string, string | null>} */
  applied = {};

  constructor() {
    super();
    /** @type {{x: number, y: number, px: number, py: number} | null} */
    let drag = null;
    this.addEventListener('pointerdown', (event) => {
      if (flag(this, 'disabled') || (this.getAttribute('direction') || 'none') === 'none') return;
      this.setPointerCapture(event.pointerId);
      drag = { x: this.pos.x, y: this.pos.y, px: event.clientX, py: event.clientY };
    });
    this.addEventListener('pointermove', (event) => {
      if (!drag) return;
      const direction = this.getAttribute('direction') || 'none';
      const x = direction === 'all' || direction === 'horizontal' ? drag.x + event.clientX - drag.px : this.pos.x;
      const y = direction === 'all' || direction === 'vertical' ? drag.y + event.clientY - drag.py : this.pos.y;
      this.moveTo(x, y, 'touch');
    });
    const end = () => {
      drag = null;
    };
    this.addEventListener('pointerup', end);
    this.addEventListener('pointercancel', end);
  }

  /** @param {number} x @param {number} y @param {string} source */
  moveTo(x, y, source) {
    const area = this.parentElement;
    if (area && !flag(this, 'out-of-bounds')) {
      const maxX = Math.max(0, area.clientWidth - this.offsetWidth);
      const maxY = Math.max(0, area.clientHeight - this.offsetHeight);
      x = Math.min(maxX, Math.max(0, x));
      y = Math.min(maxY, Math.max(0, y));
    }
    if (x === this.pos.x && y === this.pos.y) return;
    this.pos = { x, y };
    this.style.transform = `translate(${x}px, ${y}px)`;
    if (source) emit(this, 'change', { x, y, source });
  }

  render() {
    for (const axis of ['x', 'y']) {
      const value = this.getAttribute(axis);
      if (value !== this.applied[axis]) {
        this.applied[axis] = value;
        const n = parseFloat(value || '0') || 0;
        requestAnimationFrame(() => this.moveTo(axis === 'x' ? n : this.pos.x, axis === 'y' ? n : this.pos.y, ''));
      }
    }
  }
}
define('wx-movable-view', MovableView);

// -- what Hutong cannot show ------------------------------------------------------------------------------
/** Shown in place of a component the runtime does not have, and reported (`hutong check` lists it). */
class Unsupported extends HTMLElement {
  connectedCallback() {
    const name = this.localName.replace(/^wx-/, '');
    reportUnsupported('component', name);
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>:host { display: block; } .box { display: flex; align-items: center; justify-content: center;
      min-height: 60px; height: 100%; box-sizing: border-box; padding: 12px; background: #f2f2f2; color: #888;
      font-size: 13px; text-align: center; border: 1px dashed #ccc; }</style>
      <div class="box" role="note">&lt;${name}&gt; 组件暂不支持 (not supported by Hutong)</div>`;
  }
}

/** The built-ins Hutong shows as unsupported (keep equal to the registry's `unsupported` entries). */
export const UNSUPPORTED = ['live-player', 'live-pusher', 'voip-room', 'ad', 'ad-custom', 'official-account',
  'functional-page-navigator', 'channel-live', 'channel-video', 'store-product'];
for (const name of UNSUPPORTED) define(`wx-${name}`, class extends Unsupported {});
