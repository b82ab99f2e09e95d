// @ts-check
/**
 * Contexts that drive a built-in component from the logic thread: wx.createVideoContext and the
 * legacy wx.createCanvasContext. The logic thread finds the element by id (or canvas-id) in the page's
 * or the component's own template and sends its frame a `component:call` message; the element's
 * `hutongCall(method, args)` does the rest (view/components/platform.js).
 */
import { withSansSerif } from '../../common/font-fallback.js';
import { toView } from '../bridge.js';
import { stack } from '../page.js';
import { querySelectorIn } from '../selector.js';
import { guard } from '../errors.js';
import { wx } from '../wx.js';
import { askElement } from './canvas.js';
import { fileUrl } from './file.js';
import { answer } from './shape.js';

/** The page (or component) whose template holds the element. @param {any} component */
function scopeOf(component) {
  const page = stack[stack.length - 1];
  return component && component.__root ? component : page;
}

/** @param {any} scope @param {(node: any) => boolean} test */
function findIn(scope, test) {
  if (!scope || !scope.__root) return null;
  /** @type {any} */
  let found = null;
  const walk = (/** @type {any[]} */ children) => {
    for (const node of children) {
      if (found) return;
      if (node.x === undefined && node.o === scope && node.t && test(node)) found = node;
      else if (node.c) walk(node.c);
    }
  };
  walk(scope.__root.c);
  return found;
}

/** @param {any} scope @param {any} node @param {string} method @param {any[]} args */
function call(scope, node, method, args) {
  if (!node) return;
  toView(scope.__tree.pageId, { t: 'component:call', target: node.n, method, args });
}

class VideoContext {
  /** @param {string} id @param {any} scope */
  constructor(id, scope) {
    this.scope = scope;
    this.id = id;
  }

  /** @param {string} method @param {any[]} args */
  send(method, ...args) {
    const nodes = this.scope ? querySelectorIn(this.scope.__root, this.scope, `#${this.id}`, false) : [];
    call(this.scope, nodes[0], method, args);
  }

  play() {
    this.send('play');
  }

  pause() {
    this.send('pause');
  }

  stop() {
    this.send('stop');
  }

  /** @param {number} position seconds */
  seek(position) {
    this.send('seek', Number(position) || 0);
  }

  /** @param {number} rate */
  playbackRate(rate) {
    this.send('playbackRate', Number(rate) || 1);
  }

  /** @param {Record<string, any>} [options] */
  requestFullScreen(options) {
    this.send('requestFullScreen', options || {});
  }

  exitFullScreen() {
    this.send('exitFullScreen');
  }

  /** Danmu and the rest are not drawn; the calls are accepted so pages run. */
  sendDanmu() {}
  showStatusBar() {}
  hideStatusBar() {}

  // Picture-in-picture, background playback and casting need the phone's own player: each fails
  // with WeChat's shape (fail and complete called, or a rejected promise) so feature checks fall back.
  /** @param {any} [options] */
  exitPictureInPicture(options) {
    return unsupported('VideoContext.exitPictureInPicture', options);
  }

  /** @param {any} [options] */
  requestBackgroundPlayback(options) {
    return unsupported('VideoContext.requestBackgroundPlayback', options);
  }

  /** @param {any} [options] */
  exitBackgroundPlayback(options) {
    return unsupported('VideoContext.exitBackgroundPlayback', options);
  }

  /** @param {any} [options] */
  startCasting(options) {
    return unsupported('VideoContext.startCasting', options);
  }

  /** @param {any} [options] */
  switchCasting(options) {
    return unsupported('VideoContext.switchCasting', options);
  }

  /** @param {any} [options] */
  reconnectCasting(options) {
    return unsupported('VideoContext.reconnectCasting', options);
  }

  /** @param {any} [options] */
  exitCasting(options) {
    return unsupported('VideoContext.exitCasting', options);
  }
}

/** @param {string} name @param {any} options */
function unsupported(name, options) {
  return answer(name, options, () => {
    throw new Error('not supported');
  });
}

/** @param {string} id @param {any} [component] */
export function createVideoContext(id, component) {
  return new VideoContext(String(id), scopeOf(component));
}

/** The legacy canvas API's drawing calls, replayed in the frame in order by `draw()`. */
const CANVAS_METHODS = ['fillRect', 'strokeRect', 'clearRect', 'fillText', 'strokeText', 'beginPath', 'closePath', 'moveTo',
  'lineTo', 'arc', 'arcTo', 'rect', 'quadraticCurveTo', 'bezierCurveTo', 'fill', 'stroke', 'clip', 'save', 'restore', 'translate',
  'rotate', 'scale', 'transform', 'setTransform', 'drawImage', 'setFillStyle', 'setStrokeStyle', 'setLineWidth', 'setLineCap',
  'setLineJoin', 'setMiterLimit', 'setLineDash', 'setFontSize', 'setGlobalAlpha', 'setTextAlign', 'setTextBaseline',
  'setShadow'];
const CANVAS_PROPS = ['fillStyle', 'strokeStyle', 'lineWidth', 'lineCap', 'lineJoin', 'miterLimit', 'font', 'globalAlpha',
  'textAlign', 'textBaseline', 'globalCompositeOperation', 'shadowBlur', 'shadowColor', 'shadowOffsetX', 'shadowOffsetY', 'lineDashOffset'];

class CanvasContext {
  /** @param {string} canvasId @param {any} scope */
  constructor(canvasId, scope) {
    this.canvasId = canvasId;
    this.scope = scope;
    /** @type {any[][]} */
    this.actions = [];
    /** @type {Record<string, any>} */
    this.state = {};
  }

  /**
   * Send what was recorded to the canvas; `reserve` keeps what is already drawn. The callback runs
   * once the frame has drawn it, images included.
   * @param {boolean} [reserve] @param {Function} [callback]
   */
  draw(reserve, callback) {
    const node = findIn(this.scope, (n) => n.t === 'canvas' && String(n.a['canvas-id'] ?? n.a.canvasId ?? '') === this.canvasId);
    const actions = this.actions;
    this.actions = [];
    if (!node) return;
    askElement(this.scope.__tree.pageId, node.n, 'draw', [actions, Boolean(reserve)]).then(
      () => typeof callback === 'function' && guard(() => callback()),
      () => {},
    );
  }

  /** Measured with this thread's own 2D context and the font set so far. @param {string} text */
  measureText(text) {
    measurer ||= /** @type {OffscreenCanvasRenderingContext2D} */ (new OffscreenCanvas(1, 1).getContext('2d'));
    const size = this.state.fontSize || 10;
    measurer.font = this.state.font ? withSansSerif(String(this.state.font), true) : `${size}px sans-serif`;
    const metrics = measurer.measureText(String(text));
    return { width: metrics.width, actualBoundingBoxAscent: metrics.actualBoundingBoxAscent, actualBoundingBoxDescent: metrics.actualBoundingBoxDescent };
  }

  /** Gradients are recorded as descriptions the frame turns into real ones. @param {number[]} args */
  createLinearGradient(...args) {
    return gradient('linear', args);
  }

  /** @param {number[]} args */
  createCircularGradient(...args) {
    return gradient('radial', [args[0], args[1], 0, args[0], args[1], args[2]]);
  }

  /** @param {number[]} args */
  createRadialGradient(...args) {
    return gradient('radial', args);
  }

  /** @param {string} image @param {string} repetition */
  createPattern(image, repetition) {
    return { __pattern: [fileUrl(String(image)), repetition] };
  }
}

/** @param {string} kind @param {number[]} args */
function gradient(kind, args) {
  /** @type {[number, string][]} */
  const stops = [];
  return {
    __gradient: [kind, args, stops],
    /** @param {number} offset @param {string} color */
    addColorStop(offset, color) {
      stops.push([offset, color]);
    },
  };
}

/** A value that can travel: gradients lose their method. @param {any} value */
function plain(value) {
  if (value && typeof value === 'object' && value.__gradient) return { __gradient: value.__gradient };
  if (value && typeof value === 'object' && value.__pattern) return { __pattern: value.__pattern };
  return value;
}

/** @type {OffscreenCanvasRenderingContext2D | null} */
let measurer = null;

for (const name of CANVAS_METHODS) {
  Object.defineProperty(CanvasContext.prototype, name, {
    value(/** @type {any[]} */ ...args) {
      // A file of the app's (a chosen image, a temp file) reaches the frame as a data: URL.
      if (name === 'drawImage' && typeof args[0] === 'string') args[0] = fileUrl(args[0]);
      this.actions.push([name, args.map(plain)]);
      if (name === 'setFontSize') {
        this.state.fontSize = args[0];
        if (this.state.font) this.state.font = String(this.state.font).replace(/\d+(\.\d+)?px/, `${args[0]}px`);
      }
    },
  });
}
for (const name of CANVAS_PROPS) {
  Object.defineProperty(CanvasContext.prototype, name, {
    get() {
      return this.state[name];
    },
    set(value) {
      this.state[name] = value;
      // A family the device lacks falls back to sans-serif, as on a phone (common/font-fallback.js).
      this.actions.push(['=', [name, plain(name === 'font' ? withSansSerif(String(value), true) : value)]]);
    },
  });
}

/** @param {string} canvasId @param {any} [component] */
export function createCanvasContext(canvasId, component) {
  return new CanvasContext(String(canvasId), scopeOf(component));
}

// Until logic/wx.js lists them itself, the contexts join `wx` here (the APIs branch owns wx.js).
const api = /** @type {any} */ (wx);
api.createVideoContext ||= createVideoContext;
api.createCanvasContext ||= createCanvasContext;
