// @ts-check
/**
 * The canvas wx APIs: wx.createOffscreenCanvas, wx.canvasToTempFilePath (a Canvas node or a legacy
 * canvas-id), wx.canvasGetImageData and wx.canvasPutImageData; and `askElement`, a call to an element of
 * a page frame that waits for its answer (the legacy canvas's draw callback uses it too).
 */
import { on, toView } from '../bridge.js';
import { guard } from '../errors.js';
import { stack } from '../page.js';
import { wx } from '../wx.js';
import { Canvas } from './canvas-node.js';
import { addTempFile } from './file.js';

// -- asking the frame about a legacy canvas ----------------------------------------------------------------
let nextAsk = 1;
/** @type {Map<number, {resolve: (value: any) => void, reject: (error: any) => void}>} */
const asking = new Map();

on('component:answer', (message) => {
  const waiter = asking.get(message.ask);
  asking.delete(message.ask);
  if (!waiter) return;
  if (message.error) waiter.reject(new Error(String(message.error)));
  else waiter.resolve(message.value);
});

/**
 * Call `hutongCall(method, args)` on an element of a page frame and wait for what it returns.
 * @param {number} pageId @param {number} nodeId @param {string} method @param {any[]} args
 * @returns {Promise<any>}
 */
export function askElement(pageId, nodeId, method, args) {
  const ask = nextAsk++;
  return new Promise((resolve, reject) => {
    asking.set(ask, { resolve, reject });
    toView(pageId, { t: 'component:call', target: nodeId, method, args, ask });
  });
}

/** The legacy `<canvas canvas-id>` in the page (or component) scope. @param {string} canvasId @param {any} component */
export function legacyCanvas(canvasId, component) {
  const page = stack[stack.length - 1];
  const scope = component && component.__root ? component : page;
  if (!scope || !scope.__root) return null;
  /** @type {any} */
  let found = null;
  const walk = (/** @type {any[]} */ children) => {
    for (const node of children) {
      if (found) return;
      if (node.x === undefined && node.o === scope && node.t === 'canvas' && String(node.a['canvas-id'] ?? node.a.canvasId ?? '') === canvasId) found = node;
      else if (node.c) walk(node.c);
    }
  };
  walk(scope.__root.c);
  return found ? { pageId: /** @type {number} */ (scope.__tree.pageId), nodeId: /** @type {number} */ (found.n) } : null;
}

// -- the wx APIs ------------------------------------------------------------------------------------------
/** @param {Promise<any>} run @param {Record<string, any>} options @param {string} name */
function settle(run, options, name) {
  const { success, fail, complete } = options || {};
  const done = run.then(
    (res) => ({ errMsg: `${name}:ok`, ...res }),
    (error) => Promise.reject({ errMsg: `${name}:fail ${error?.message || error}` }),
  );
  if (typeof success === 'function' || typeof fail === 'function' || typeof complete === 'function') {
    done.then(
      (res) => {
        if (typeof success === 'function') guard(() => success(res));
        if (typeof complete === 'function') guard(() => complete(res));
      },
      (res) => {
        if (typeof fail === 'function') guard(() => fail(res));
        if (typeof complete === 'function') guard(() => complete(res));
      },
    );
    return undefined;
  }
  return done;
}

/** @param {Record<string, any>} [options] */
export function createOffscreenCanvas(options) {
  const o = options || {};
  const page = stack[stack.length - 1];
  const canvas = new Canvas(Number(o.width) || 300, Number(o.height) || 150, String(page?.route || ''), null);
  if (o.type === 'webgl') canvas.getContext('webgl');
  return canvas;
}

/** @param {Record<string, any>} options @param {any} [component] */
function canvasToTempFilePath(options, component) {
  const o = options || {};
  const type = o.fileType === 'jpg' ? 'image/jpeg' : 'image/png';
  const quality = Math.min(1, Math.max(0, Number(o.quality ?? 1)));
  const run = (async () => {
    /** @type {ImageBitmap | OffscreenCanvas} */
    let source;
    // WeChat counts x, y, width and height in the canvas's own units: CSS pixels for a legacy one.
    let ratio = 1;
    if (o.canvas instanceof Canvas) {
      source = o.canvas.__canvas;
      if (o.canvas.__cssWidth) ratio = source.width / o.canvas.__cssWidth;
    } else {
      const found = legacyCanvas(String(o.canvasId ?? ''), component);
      if (!found) throw new Error(`canvas not found: ${o.canvas ? 'not a Canvas node' : `canvasId "${o.canvasId ?? ''}"`}`);
      const shot = await askElement(found.pageId, found.nodeId, 'snapshot', []);
      source = shot.bitmap;
      ratio = shot.ratio;
    }
    const x = Number(o.x) || 0;
    const y = Number(o.y) || 0;
    const width = Number(o.width) || source.width / ratio - x;
    const height = Number(o.height) || source.height / ratio - y;
    const out = new OffscreenCanvas(Math.round(Number(o.destWidth) || width * ratio), Math.round(Number(o.destHeight) || height * ratio));
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (out.getContext('2d'));
    if (type === 'image/jpeg') {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, out.width, out.height);
    }
    ctx.drawImage(source, x * ratio, y * ratio, width * ratio, height * ratio, 0, 0, out.width, out.height);
    const blob = await out.convertToBlob({ type, quality });
    const path = `wxfile://tmp_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.${type === 'image/jpeg' ? 'jpg' : 'png'}`;
    addTempFile(path, await blob.arrayBuffer());
    return { tempFilePath: path };
  })();
  return settle(run, o, 'canvasToTempFilePath');
}

/** @param {Record<string, any>} options @param {any} [component] */
function canvasGetImageData(options, component) {
  const o = options || {};
  const run = (async () => {
    const found = legacyCanvas(String(o.canvasId ?? ''), component);
    if (!found) throw new Error(`canvas not found: canvasId "${o.canvasId ?? ''}"`);
    const { width, height, data } = await askElement(found.pageId, found.nodeId, 'getImageData', [Number(o.x) || 0, Number(o.y) || 0, Number(o.width) || 0, Number(o.height) || 0]);
    return { width, height, data: new Uint8ClampedArray(data) };
  })();
  return settle(run, o, 'canvasGetImageData');
}

/** @param {Record<string, any>} options @param {any} [component] */
function canvasPutImageData(options, component) {
  const o = options || {};
  const run = (async () => {
    const found = legacyCanvas(String(o.canvasId ?? ''), component);
    if (!found) throw new Error(`canvas not found: canvasId "${o.canvasId ?? ''}"`);
    const data = new Uint8ClampedArray(o.data || []);
    const width = Number(o.width) || 0;
    const height = Number(o.height) || 0;
    if (data.length !== width * height * 4) throw new Error('data length does not match width × height × 4');
    await askElement(found.pageId, found.nodeId, 'putImageData', [Array.from(data), Number(o.x) || 0, Number(o.y) || 0, width, height]);
    return {};
  })();
  return settle(run, o, 'canvasPutImageData');
}

// Until logic/wx.js lists them itself, these join `wx` here (as media-context.js does).
const api = /** @type {any} */ (wx);
api.createOffscreenCanvas ||= createOffscreenCanvas;
api.canvasToTempFilePath ||= canvasToTempFilePath;
api.canvasGetImageData ||= canvasGetImageData;
api.canvasPutImageData ||= canvasPutImageData;
