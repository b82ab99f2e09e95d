// @ts-check
/**
 * Media: choosing and previewing images are host UI (a file input, an overlay); files the host makes
 * join this thread's file system (file.js). Image information and compression run here, on
 * OffscreenCanvas, for files the app holds; audio plays in the host.
 */
import { callHost } from '../call.js';
import { addTempFile, bytesOf } from './file.js';
import { answer, answerLater, listeners } from './shape.js';
import { newTask } from './tasks.js';

/** Register the files the host made; drop their bytes from what the app sees. @param {any} res */
function adoptFiles(res) {
  const out = { ...res };
  for (const list of ['tempFiles']) {
    if (Array.isArray(out[list])) {
      out[list] = out[list].map((/** @type {any} */ item) => {
        const { bytes, ...rest } = item;
        if (bytes) addTempFile(rest.tempFilePath || rest.path, bytes);
        return rest;
      });
    }
  }
  return out;
}

/** Files the app holds go to the host as bytes (the host cannot read this thread's file system). @param {any[]} urls */
function withBytes(urls) {
  return (urls || []).map((url) => {
    const bytes = typeof url === 'string' && (url.startsWith('wxfile://') || url.startsWith('http://tmp/')) ? bytesOf(url) : undefined;
    return bytes ? { url, bytes } : { url: String(url) };
  });
}

/** @param {Blob} blob */
async function imageInfo(blob) {
  const bitmap = await createImageBitmap(blob);
  const info = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return info;
}

/** @param {any} options */
function getImageInfo(options) {
  const src = String(options?.src ?? '');
  const bytes = bytesOf(src);
  if (!bytes) return callHost('getImageInfo', options || {});
  const { success, fail, complete } = options || {};
  const type = /\.(png|gif|webp|jpe?g|bmp|svg)$/i.exec(src)?.[1]?.toLowerCase().replace('jpg', 'jpeg') || 'unknown';
  const run = imageInfo(new Blob([bytes])).then(
    (info) => ({ errMsg: 'getImageInfo:ok', ...info, path: src, orientation: 'up', type }),
    () => Promise.reject({ errMsg: 'getImageInfo:fail image decode error' }),
  );
  return settleLocal(run, { success, fail, complete });
}

/** @param {any} options */
function compressImage(options) {
  const src = String(options?.src ?? '');
  const { success, fail, complete } = options || {};
  const run = (async () => {
    const bytes = bytesOf(src);
    if (!bytes) throw { errMsg: `compressImage:fail file not found: ${src}` };
    const bitmap = await createImageBitmap(new Blob([bytes]));
    const width = Number(options.compressedWidth) || (options.compressedHeight ? Math.round((bitmap.width * Number(options.compressedHeight)) / bitmap.height) : bitmap.width);
    const height = Number(options.compressedHeight) || Math.round((bitmap.height * width) / bitmap.width);
    const canvas = new OffscreenCanvas(width, height);
    /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d')).drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const quality = Math.min(100, Math.max(0, Number(options.quality ?? 80))) / 100;
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    const path = `wxfile://tmp_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.jpg`;
    addTempFile(path, await blob.arrayBuffer());
    return { errMsg: 'compressImage:ok', tempFilePath: path };
  })();
  return settleLocal(run, { success, fail, complete });
}

/** @param {Promise<any>} run @param {{success?: Function, fail?: Function, complete?: Function}} callbacks */
function settleLocal(run, { success, fail, complete }) {
  if (success || fail || complete) {
    run.then(
      (res) => {
        if (typeof success === 'function') success(res);
        if (typeof complete === 'function') complete(res);
      },
      (res) => {
        if (typeof fail === 'function') fail(res);
        if (typeof complete === 'function') complete(res);
      },
    );
    return undefined;
  }
  return run;
}

/** An audio element in the host, driven from here. */
function createInnerAudioContext() {
  const task = newTask(['canplay', 'play', 'pause', 'stop', 'ended', 'timeUpdate', 'error', 'waiting', 'seeking', 'seeked']);
  /** @type {Record<string, any>} */
  const state = { src: '', startTime: 0, autoplay: false, loop: false, volume: 1, playbackRate: 1, obeyMuteSwitch: true, duration: 0, currentTime: 0, paused: true, buffered: 0 };
  const timeUpdate = task.events.timeUpdate;
  timeUpdate.on((/** @type {any} */ res) => Object.assign(state, res || {}));
  task.events.play.on(() => (state.paused = false));
  task.events.pause.on(() => (state.paused = true));
  task.events.stop.on(() => (state.paused = true));
  task.events.ended.on(() => (state.paused = true));
  /** @param {string} action @param {Record<string, any>} [extra] */
  const control = (action, extra = {}) => callHost('hutongAudio', { task: task.id, action, ...extra })?.catch(() => {});
  const sync = () => control('set', { props: { src: withBytes([state.src])[0], startTime: state.startTime, autoplay: state.autoplay, loop: state.loop, volume: state.volume, playbackRate: state.playbackRate } });
  /** @type {Record<string, any>} */
  const context = {
    play: () => control('play'),
    pause: () => control('pause'),
    stop: () => control('stop'),
    /** @param {number} position */
    seek: (position) => control('seek', { position }),
    destroy: () => {
      control('destroy');
      task.done();
    },
  };
  for (const key of ['src', 'startTime', 'autoplay', 'loop', 'volume', 'playbackRate', 'obeyMuteSwitch']) {
    Object.defineProperty(context, key, {
      get: () => state[key],
      set: (value) => {
        state[key] = value;
        sync();
      },
      enumerable: true,
    });
  }
  for (const key of ['duration', 'currentTime', 'paused', 'buffered']) Object.defineProperty(context, key, { get: () => state[key], enumerable: true });
  for (const [type, events] of Object.entries(task.events)) {
    const name = type[0].toUpperCase() + type.slice(1);
    context[`on${name}`] = events.on;
    context[`off${name}`] = events.off;
  }
  return context;
}

/** @type {Record<string, any> | null} */
let backgroundAudio = null;

/**
 * The background audio manager: one player for the app, playing as soon as `src` is set, as in
 * WeChat. It plays in the host page (no system media controls in a browser).
 */
function getBackgroundAudioManager() {
  if (backgroundAudio) return backgroundAudio;
  const player = createInnerAudioContext();
  /** @type {Record<string, any>} */
  const manager = { title: '', epname: '', singer: '', coverImgUrl: '', webUrl: '', protocol: 'http', referrerPolicy: '' };
  for (const key of Object.keys(player)) {
    const descriptor = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(player, key));
    if (key === 'src') {
      Object.defineProperty(manager, 'src', {
        get: () => player.src,
        set: (value) => {
          player.autoplay = true;
          player.src = value;
        },
        enumerable: true,
      });
    } else Object.defineProperty(manager, key, descriptor);
  }
  manager.onPrev = () => {};
  manager.onNext = () => {};
  backgroundAudio = manager;
  return manager;
}

/**
 * The older background audio API (playBackgroundAudio and its family), which music and reading apps
 * still call on every page: the same single player as getBackgroundAudioManager, so both views agree.
 */
const legacyEvents = { play: listeners(), pause: listeners(), stop: listeners() };
let legacyHooked = false;
function legacyPlayer() {
  const manager = getBackgroundAudioManager();
  if (!legacyHooked) {
    legacyHooked = true;
    manager.onPlay(() => legacyEvents.play.emit({}));
    manager.onPause(() => legacyEvents.pause.emit({}));
    manager.onStop(() => legacyEvents.stop.emit({}));
    manager.onEnded(() => legacyEvents.stop.emit({}));
  }
  return manager;
}

const backgroundAudio1 = {
  /** @param {any} options */
  playBackgroundAudio: (options) =>
    answer('playBackgroundAudio', options, (o) => {
      const dataUrl = typeof o.dataUrl === 'string' ? o.dataUrl : '';
      if (!dataUrl) throw new Error('parameter error: parameter.dataUrl should be String');
      const manager = legacyPlayer();
      manager.title = String(o.title ?? '');
      manager.coverImgUrl = String(o.coverImgUrl ?? '');
      if (manager.src === dataUrl) manager.play();
      else manager.src = dataUrl;
    }),
  /** @param {any} options */
  pauseBackgroundAudio: (options) => answer('pauseBackgroundAudio', options, () => void legacyPlayer().pause()),
  /** @param {any} options */
  stopBackgroundAudio: (options) => answer('stopBackgroundAudio', options, () => void legacyPlayer().stop()),
  /** @param {any} options */
  seekBackgroundAudio: (options) =>
    answer('seekBackgroundAudio', options, (o) => {
      const position = Number(o.position);
      if (!Number.isFinite(position) || position < 0) throw new Error('parameter error: parameter.position should be Number');
      legacyPlayer().seek(position);
    }),
  /** status: 0 paused, 1 playing, 2 nothing to play (WeChat's numbers). @param {any} options */
  getBackgroundAudioPlayerState: (options) =>
    answer('getBackgroundAudioPlayerState', options, () => {
      const manager = legacyPlayer();
      const dataUrl = manager.src || '';
      return {
        duration: Math.round(manager.duration || 0),
        currentPosition: Math.round(manager.currentTime || 0),
        status: !dataUrl ? 2 : manager.paused ? 0 : 1,
        downloadPercent: dataUrl && manager.duration ? 100 : 0,
        dataUrl,
      };
    }),
  /** @param {Function} callback */
  onBackgroundAudioPlay: (callback) => {
    legacyPlayer();
    legacyEvents.play.on(callback);
  },
  /** @param {Function} callback */
  onBackgroundAudioPause: (callback) => {
    legacyPlayer();
    legacyEvents.pause.on(callback);
  },
  /** @param {Function} callback */
  onBackgroundAudioStop: (callback) => {
    legacyPlayer();
    legacyEvents.stop.on(callback);
  },
};

/**
 * WeChat's first voice playback (playVoice, pauseVoice, stopVoice): one player for the app; playVoice
 * of the file paused resumes it, and its success comes when the voice has played to its end (or
 * `duration` seconds, 60 by default).
 */
/** @type {{player: any, filePath: string, seconds: number, done: (() => void)[], timer: any} | null} */
let voice = null;

/** @param {boolean} finished whether it played to the end (success) or was replaced or stopped */
function endVoice(finished) {
  if (!voice) return;
  const { player, done, timer } = voice;
  clearTimeout(timer);
  voice = null;
  player.destroy();
  if (finished) for (const resolve of done) resolve();
}

const voiceApi = {
  /** @param {any} options */
  playVoice: (options) =>
    answerLater('playVoice', options, (o) => {
      const filePath = typeof o.filePath === 'string' ? o.filePath : '';
      if (!filePath) return Promise.reject(new Error('parameter error: parameter.filePath should be String'));
      if (voice && voice.filePath === filePath && voice.player.paused) {
        const resumed = voice;
        resumed.player.play();
        return new Promise((resolve) => resumed.done.push(() => resolve({})));
      }
      endVoice(false);
      const player = createInnerAudioContext();
      const playing = { player, filePath, seconds: Math.max(Number(o.duration) || 60, 1), done: /** @type {(() => void)[]} */ ([]), timer: 0 };
      voice = playing;
      const played = new Promise((resolve, reject) => {
        playing.done.push(() => resolve({}));
        player.onEnded(() => endVoice(true));
        player.onError((/** @type {any} */ res) => {
          if (voice === playing) endVoice(false);
          reject(new Error(String(res?.errMsg || 'play failed')));
        });
        // At most `duration` seconds of playing, paused time not counted.
        player.onPlay(() => {
          clearTimeout(playing.timer);
          playing.timer = setTimeout(() => voice === playing && endVoice(true), Math.max(playing.seconds - (player.currentTime || 0), 0) * 1000);
        });
        player.onPause(() => clearTimeout(playing.timer));
      });
      player.src = filePath;
      player.play();
      return played;
    }),
  /** @param {any} options */
  pauseVoice: (options) => answer('pauseVoice', options, () => void voice?.player.pause()),
  /** @param {any} options */
  stopVoice: (options) => answer('stopVoice', options, () => endVoice(false)),
};

/** chooseVideo: chooseMedia for one video, in chooseVideo's result shape. @param {any} options */
function chooseVideo(options) {
  const { success, fail, complete, ...rest } = options || {};
  const run = /** @type {Promise<any>} */ (callHost('chooseMedia', { ...rest, count: 1, mediaType: ['video'] }, adoptFiles)).then((res) => {
    const file = res.tempFiles[0];
    return { errMsg: 'chooseVideo:ok', tempFilePath: file.tempFilePath, size: file.size, duration: 0, width: 0, height: 0 };
  }, (res) => Promise.reject({ errMsg: String(res?.errMsg || '').replace('chooseMedia', 'chooseVideo') }));
  return settleLocal(run, { success, fail, complete });
}

export const media = {
  /** @param {any} options */
  chooseImage: (options) => callHost('chooseImage', options || {}, adoptFiles),
  /** @param {any} options */
  chooseMedia: (options) => callHost('chooseMedia', options || {}, adoptFiles),
  /** @param {any} options */
  previewImage: (options) => callHost('previewImage', { ...(options || {}), urls: withBytes(options?.urls), current: options?.current }),
  /** @param {any} options */
  previewMedia: (options) => callHost('previewImage', { ...(options || {}), urls: withBytes((options?.sources || []).map((/** @type {any} */ s) => s.url)), current: options?.current }),
  getImageInfo,
  compressImage,
  /** @param {any} options */
  saveImageToPhotosAlbum: (options) => callHost('saveImageToPhotosAlbum', { ...(options || {}), file: withBytes([options?.filePath])[0] }),
  /** @param {any} options */
  saveVideoToPhotosAlbum: (options) => callHost('saveVideoToPhotosAlbum', { ...(options || {}), file: withBytes([options?.filePath])[0] }),
  /** @param {any} options */
  getVideoInfo: (options) => callHost('getVideoInfo', { ...(options || {}), file: withBytes([options?.src])[0] }),
  /** @param {any} options */
  saveFileToDisk: (options) => callHost('saveFileToDisk', { ...(options || {}), file: withBytes([options?.filePath])[0] }),
  /** @param {any} options */
  chooseMessageFile: (options) => callHost('chooseMessageFile', options || {}, adoptFiles),
  /** @param {any} options */
  openDocument: (options) => callHost('openDocument', { ...(options || {}), file: withBytes([options?.filePath])[0] }),
  createInnerAudioContext,
  getBackgroundAudioManager,
  ...backgroundAudio1,
  ...voiceApi,
  chooseVideo,
};

