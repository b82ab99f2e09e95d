// @ts-check
/**
 * Media, drawn and done by the host: choosing images and videos (a file input), previewing (an
 * overlay), saving (a download), image information for URLs, and audio playback.
 */
import { requireScope } from './consent.js';
import { newTempFile } from './transfer-files.js';
import { assetUrl, el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/**
 * Ask the user for files with the browser's own chooser (the host's input, never a frame's).
 * @param {MiniProgram} mp @param {string} accept @param {boolean} multiple @param {string} [capture]
 * @returns {Promise<File[]>}
 */
export function pickFiles(mp, accept, multiple, capture) {
  return new Promise((resolve, reject) => {
    const input = /** @type {HTMLInputElement} */ (el('input', { type: 'file', accept, multiple, className: 'hutong-file-input', hidden: true }));
    if (capture) input.setAttribute('capture', capture);
    input.addEventListener('change', () => {
      input.remove();
      const files = Array.from(input.files || []);
      if (files.length) resolve(files);
      else reject(new Error('cancel'));
    });
    input.addEventListener('cancel', () => {
      input.remove();
      reject(new Error('cancel'));
    });
    mp.surface.appendChild(input);
    input.click();
  });
}

/** @param {MiniProgram} mp @param {File} file */
async function tempFile(mp, file) {
  const made = newTempFile(mp, await file.arrayBuffer(), file.type, file.name);
  return { path: made.path, size: file.size, bytes: made.bytes, type: file.type };
}

/** @param {string[] | undefined} sourceType */
const captureOf = (sourceType) => (Array.isArray(sourceType) && sourceType.length === 1 && sourceType[0] === 'camera' ? 'environment' : undefined);

/** @param {string} src @param {MiniProgram} mp */
function loadImage(src, mp) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('download image fail'));
    image.src = assetUrl(mp, src);
  });
}

/** @type {WeakMap<MiniProgram, Map<number, HTMLAudioElement>>} */
const players = new WeakMap();

/** The container a video's first bytes name. @param {Uint8Array} head */
function videoType(head) {
  const text = String.fromCharCode(...head.slice(4, 12));
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  if (text.startsWith('ftypqt')) return 'mov';
  if (text.startsWith('ftyp')) return 'mp4';
  return 'unknown';
}

/**
 * A video's metadata, read by a <video> of the host's that is never shown. MediaRecorder's WebM names
 * no duration (the browser says Infinity): seeking far past the end makes it find the last frame.
 * @param {Blob} blob @returns {Promise<{width: number, height: number, duration: number}>}
 */
function videoMetadata(blob) {
  const url = URL.createObjectURL(blob);
  const video = document.createElement('video');
  video.preload = 'metadata';
  video.muted = true;
  return new Promise((resolve, reject) => {
    const done = () => {
      resolve({ width: video.videoWidth, height: video.videoHeight, duration: video.duration });
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
    };
    video.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('video decode error'));
    };
    video.onloadedmetadata = () => {
      if (Number.isFinite(video.duration)) return done();
      video.ondurationchange = () => Number.isFinite(video.duration) && done();
      video.currentTime = 1e9;
    };
    video.src = url;
  });
}

export const media = {
  /**
   * wx.getVideoInfo of an app's file: size and type from its bytes, width, height and duration from
   * the browser's decoder; the bitrate is the file's average. @param {MiniProgram} _mp @param {Record<string, any>} args
   */
  async getVideoInfo(_mp, args) {
    const bytes = args.file?.bytes;
    if (!bytes) throw new Error(`file not found: ${args.src}`);
    const { width, height, duration } = await videoMetadata(new Blob([bytes]));
    const size = Math.round(bytes.byteLength / 1024);
    return { orientation: 'up', type: videoType(new Uint8Array(bytes.slice(0, 12))), duration, size, width, height, fps: 0, bitrate: duration > 0 ? Math.round((bytes.byteLength * 8) / 1000 / duration) : 0 };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async chooseImage(mp, args) {
    const count = Math.min(Math.max(Number(args.count) || 9, 1), 9);
    if (captureOf(args.sourceType)) await requireScope(mp, 'scope.camera');
    const files = (await pickFiles(mp, 'image/*', count > 1, captureOf(args.sourceType))).slice(0, count);
    const tempFiles = await Promise.all(files.map((file) => tempFile(mp, file)));
    return { tempFilePaths: tempFiles.map((f) => f.path), tempFiles: tempFiles.map(({ path, size, bytes }) => ({ path, size, bytes, tempFilePath: path })) };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async chooseMedia(mp, args) {
    const count = Math.min(Math.max(Number(args.count) || 9, 1), 20);
    if (captureOf(args.sourceType)) await requireScope(mp, 'scope.camera');
    const types = Array.isArray(args.mediaType) ? args.mediaType : ['image', 'video'];
    const accept = types.map((/** @type {string} */ t) => (t === 'mix' ? 'image/*,video/*' : `${t}/*`)).join(',');
    const files = (await pickFiles(mp, accept, count > 1, captureOf(args.sourceType))).slice(0, count);
    const tempFiles = await Promise.all(files.map((file) => tempFile(mp, file)));
    const isVideo = tempFiles.every((f) => f.type.startsWith('video/'));
    return {
      type: isVideo ? 'video' : tempFiles.some((f) => f.type.startsWith('video/')) ? 'mix' : 'image',
      tempFiles: tempFiles.map(({ path, size, bytes, type }) => ({ tempFilePath: path, size, bytes, fileType: type.startsWith('video/') ? 'video' : 'image' })),
    };
  },
  /**
   * chooseMessageFile: WeChat picks from the user's chats; a browser host can only offer the device's
   * files, with the same filters (type, extension) and result shape.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async chooseMessageFile(mp, args) {
    const count = Math.min(Math.max(Number(args.count) || 1, 1), 100);
    const type = ['all', 'video', 'image', 'file'].includes(args.type) ? args.type : 'all';
    const extensions = Array.isArray(args.extension) ? args.extension.map((/** @type {any} */ e) => `.${String(e).replace(/^\./, '')}`) : [];
    const accept = type === 'image' ? 'image/*' : type === 'video' ? 'video/*' : type === 'file' && extensions.length ? extensions.join(',') : '';
    const files = (await pickFiles(mp, accept, count > 1)).slice(0, count);
    const tempFiles = await Promise.all(
      files.map(async (file) => {
        const made = await tempFile(mp, file);
        const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('video/') ? 'video' : 'file';
        return { path: made.path, size: made.size, bytes: made.bytes, name: file.name, type: kind, time: Math.floor(file.lastModified / 1000) };
      }),
    );
    return { tempFiles };
  },
  /**
   * openDocument: the browser's own viewer in a new tab for a PDF; any other office type is handed to
   * the user as a download (a browser has no viewer for them).
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  openDocument(mp, args) {
    const file = args.file || {};
    if (!file.bytes) throw new Error(`file not found: ${args.filePath}`);
    const name = String(args.filePath).split('/').pop() || 'document';
    const fileType = String(args.fileType || /\.(\w+)$/.exec(name)?.[1] || '').toLowerCase();
    const types = /** @type {Record<string, string>} */ ({
      pdf: 'application/pdf',
      doc: 'application/msword',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      xls: 'application/vnd.ms-excel',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ppt: 'application/vnd.ms-powerpoint',
      pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    });
    if (!types[fileType]) throw new Error(`filetype not supported: ${fileType || name}`);
    const url = URL.createObjectURL(new Blob([file.bytes], { type: types[fileType] }));
    if (fileType === 'pdf') window.open(url, '_blank', 'noopener');
    else /** @type {HTMLAnchorElement} */ (el('a', { href: url, download: name })).click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  previewImage(mp, args) {
    /** @type {{url: string, bytes?: ArrayBuffer}[]} */
    const urls = Array.isArray(args.urls) ? args.urls : [];
    if (!urls.length) throw new Error('parameter error: parameter.urls should have at least 1 item');
    const layer = overlay(mp, 'hutong-preview');
    /** @type {string[]} */
    const blobUrls = [];
    const sources = urls.map((item) => {
      if (item.bytes) {
        const url = URL.createObjectURL(new Blob([item.bytes]));
        blobUrls.push(url);
        return url;
      }
      return assetUrl(mp, item.url);
    });
    let index = Math.max(0, typeof args.current === 'number' ? args.current : urls.findIndex((item) => item.url === args.current));
    const image = /** @type {HTMLImageElement} */ (el('img', { className: 'hutong-preview-image', alt: '' }));
    const count = el('div', { className: 'hutong-preview-count' });
    const show = () => {
      image.src = sources[index];
      count.textContent = `${index + 1} / ${sources.length}`;
    };
    layer.append(image, count);
    // A tap closes the preview; swiping is a left/right tap on the sides.
    layer.addEventListener('click', (event) => {
      const x = event.offsetX / layer.clientWidth;
      if (sources.length > 1 && (x < 0.2 || x > 0.8)) {
        index = (index + (x < 0.2 ? sources.length - 1 : 1)) % sources.length;
        show();
        return;
      }
      layer.remove();
      blobUrls.forEach((url) => URL.revokeObjectURL(url));
    });
    show();
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getImageInfo(mp, args) {
    const src = String(args.src ?? '');
    if (/^https?:/.test(src)) {
      const { checkUrl } = await import('./network.js');
      checkUrl(mp, 'download', src);
    }
    const image = /** @type {HTMLImageElement} */ (await loadImage(src, mp));
    const type = /\.(png|gif|webp|jpe?g|bmp|svg)(\?|$)/i.exec(src)?.[1]?.toLowerCase().replace('jpg', 'jpeg') || 'unknown';
    return { width: image.naturalWidth, height: image.naturalHeight, path: src, orientation: 'up', type };
  },
  /**
   * The bytes of an image a Canvas node draws (canvas.createImage): a package image, or a network
   * image on the download allow-list whose server allows CORS. The logic thread has no network.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async hutongImageBytes(mp, args) {
    const src = String(args.src ?? '');
    if (/^https?:/.test(src)) {
      const { checkUrl } = await import('./network.js');
      checkUrl(mp, 'download', src);
    } else if (!mp.config.assets?.[src.replace(/^\.?\//, '')]) throw new Error(`image not found: ${src}`);
    const response = await fetch(assetUrl(mp, src), { credentials: 'omit' }).catch(() => null);
    if (!response || !response.ok) throw new Error(`download image fail: ${src}`);
    return { bytes: await response.arrayBuffer() };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async saveImageToPhotosAlbum(mp, args) {
    const file = args.file || {};
    if (!file.bytes) throw new Error(`file not found: ${args.filePath}`);
    await requireScope(mp, 'scope.writePhotosAlbum');
    const url = URL.createObjectURL(new Blob([file.bytes]));
    const link = /** @type {HTMLAnchorElement} */ (el('a', { href: url, download: String(args.filePath).split('/').pop() || 'image' }));
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongAudio(mp, args) {
    let map = players.get(mp);
    if (!map) players.set(mp, (map = new Map()));
    const task = Number(args.task);
    let audio = map.get(task);
    /** @param {string} type @param {any} [res] */
    const emit = (type, res = {}) => mp.worker?.postMessage({ t: 'api:event', task, type, res });
    if (!audio) {
      audio = new Audio();
      const a = audio;
      map.set(task, a);
      a.addEventListener('canplay', () => emit('canplay'));
      a.addEventListener('play', () => emit('play'));
      // stop() pauses the element too; WeChat reports only onStop for it.
      a.addEventListener('pause', () => {
        if (a.dataset.stopping) delete a.dataset.stopping;
        else emit('pause');
      });
      a.addEventListener('ended', () => emit('ended'));
      a.addEventListener('waiting', () => emit('waiting'));
      a.addEventListener('seeking', () => emit('seeking'));
      a.addEventListener('seeked', () => emit('seeked'));
      a.addEventListener('error', () => emit('error', { errMsg: 'InnerAudioContext:fail', errCode: 10001 }));
      // buffered: how far from the current position the audio is loaded (WeChat's meaning).
      const buffered = () => {
        for (let i = 0; i < a.buffered.length; i += 1) if (a.buffered.start(i) <= a.currentTime && a.currentTime <= a.buffered.end(i)) return a.buffered.end(i);
        return a.currentTime;
      };
      a.addEventListener('timeupdate', () => emit('timeUpdate', { currentTime: a.currentTime, duration: Number.isFinite(a.duration) ? a.duration : 0, buffered: buffered() }));
    }
    switch (args.action) {
      case 'set': {
        const p = args.props || {};
        const src = p.src?.bytes ? URL.createObjectURL(new Blob([p.src.bytes])) : p.src?.url ? assetUrl(mp, p.src.url) : '';
        if (src && audio.dataset.src !== (p.src?.url || '')) {
          audio.dataset.src = p.src?.url || '';
          audio.src = src;
        }
        audio.loop = Boolean(p.loop);
        audio.autoplay = Boolean(p.autoplay);
        audio.volume = Math.min(1, Math.max(0, Number(p.volume ?? 1)));
        audio.playbackRate = Number(p.playbackRate) || 1;
        if (p.startTime) audio.currentTime = Number(p.startTime);
        break;
      }
      case 'play':
        audio.play().catch((error) => emit('error', { errMsg: String(error?.message || error), errCode: -1 }));
        break;
      case 'pause':
        audio.pause();
        break;
      case 'stop':
        if (!audio.paused) audio.dataset.stopping = '1';
        audio.pause();
        audio.currentTime = 0;
        emit('stop');
        break;
      case 'seek':
        audio.currentTime = Number(args.position) || 0;
        break;
      case 'destroy':
        audio.pause();
        audio.removeAttribute('src');
        map.delete(task);
        break;
      default:
        throw new Error(`unknown action ${args.action}`);
    }
    return {};
  },
};
