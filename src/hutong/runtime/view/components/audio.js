// @ts-check
/**
 * `<audio>`: WeChat's legacy audio component, drawn as WeChat draws it with `controls` (the poster with
 * a play/pause button over it, the name and author, the elapsed time), nothing without. It plays
 * through the browser's own audio element; wx.createAudioContext(id) drives it from the logic thread
 * (setSrc, play, pause, seek: logic/api/media-context.js sends `component:call` here). Events carry
 * WeChat's details: play, pause, ended, timeupdate {currentTime, duration}, error {errMsg: MEDIA_ERR_*}.
 */
import { emit } from '../events.js';
import { Builtin, define, flag, resolveAsset } from './base.js';

/** The codes of the browser's MediaError, in WeChat's words. */
const ERRORS = ['', 'MEDIA_ERR_ABORTED', 'MEDIA_ERR_NETWORK', 'MEDIA_ERR_DECODE', 'MEDIA_ERR_SRC_NOT_SUPPORTED'];

const CSS = `:host { display: inline-block; }
.box { display: none; width: 290px; height: 65px; border: 1px solid #e0e0e0; border-radius: 3px; background: #fcfcfc; overflow: hidden; box-sizing: border-box; font-family: sans-serif; }
:host([controls]:not([controls="false"])) .box { display: flex; }
.poster { position: relative; width: 65px; height: 65px; flex: none; background: #e6e6e6 center / cover no-repeat; cursor: pointer; }
.button { position: absolute; left: 50%; top: 50%; width: 24px; height: 24px; margin: -12px 0 0 -12px; border: 1px solid #fff; border-radius: 50%; box-sizing: border-box; }
.button::after { content: ''; position: absolute; left: 8px; top: 5px; border-style: solid; border-width: 6px 0 6px 9px; border-color: transparent transparent transparent #fff; }
.playing .button::after { left: 6px; top: 6px; width: 3px; height: 10px; border: 0; border-left: 3px solid #fff; border-right: 3px solid #fff; }
.info { flex: 1; display: flex; flex-direction: column; justify-content: center; padding: 0 14px; min-width: 0; }
.name { font-size: 14px; color: #353535; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.author { margin-top: 9px; font-size: 12px; color: #888; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.time { align-self: center; padding-right: 11px; font-size: 13px; color: #888; }`;

/** WeChat's mm:ss. @param {number} seconds */
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

class AudioElement extends Builtin {
  static observed = ['src', 'loop', 'controls', 'poster', 'name', 'author'];
  /** @type {HTMLAudioElement} */
  audio;
  /** A source set by AudioContext.setSrc wins until the attribute itself changes. */
  contextSrc = '';
  attributeSrc = '';

  constructor() {
    super();
    const root = this.shadow(CSS, `<div class="box" part="box"><div class="poster" part="poster" role="button" aria-label="play"><div class="button"></div></div><div class="info"><div class="name" part="name"></div><div class="author" part="author"></div></div><div class="time" part="time">00:00</div></div><audio preload="metadata"></audio>`);
    const audio = /** @type {HTMLAudioElement} */ (root.querySelector('audio'));
    this.audio = audio;
    const box = /** @type {HTMLElement} */ (root.querySelector('.box'));
    const time = /** @type {HTMLElement} */ (root.querySelector('.time'));
    const poster = /** @type {HTMLElement} */ (root.querySelector('.poster'));
    poster.addEventListener('click', () => (audio.paused ? audio.play().catch(() => {}) : audio.pause()));
    audio.addEventListener('play', () => {
      box.classList.add('playing');
      poster.setAttribute('aria-label', 'pause');
      emit(this, 'play', {});
    });
    audio.addEventListener('pause', () => {
      box.classList.remove('playing');
      poster.setAttribute('aria-label', 'play');
      emit(this, 'pause', {});
    });
    audio.addEventListener('ended', () => emit(this, 'ended', {}));
    audio.addEventListener('timeupdate', () => {
      time.textContent = clock(audio.currentTime);
      emit(this, 'timeupdate', { currentTime: audio.currentTime, duration: Number.isFinite(audio.duration) ? audio.duration : 0 });
    });
    audio.addEventListener('error', () => emit(this, 'error', { errMsg: ERRORS[audio.error?.code || 4] || 'MEDIA_ERR_SRC_NOT_SUPPORTED' }));
  }

  render() {
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const src = this.getAttribute('src') || '';
    if (src !== this.attributeSrc) {
      this.attributeSrc = src;
      this.contextSrc = '';
    }
    const wanted = this.contextSrc || resolveAsset(this, src);
    if (this.audio.getAttribute('src') !== wanted) {
      if (wanted) this.audio.src = wanted;
      else this.audio.removeAttribute('src');
    }
    this.audio.loop = flag(this, 'loop');
    /** @type {HTMLElement} */ (root.querySelector('.name')).textContent = this.getAttribute('name') ?? '未知音频';
    /** @type {HTMLElement} */ (root.querySelector('.author')).textContent = this.getAttribute('author') ?? '未知作者';
    const image = resolveAsset(this, this.getAttribute('poster') || '');
    /** @type {HTMLElement} */ (root.querySelector('.poster')).style.backgroundImage = image ? `url("${image.replace(/"/g, '%22')}")` : '';
  }

  /** AudioContext, from logic/api/media-context.js. @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    const audio = this.audio;
    switch (method) {
      case 'setSrc':
        this.contextSrc = resolveAsset(this, String(args[0] || ''));
        this.render();
        break;
      case 'play':
        audio.play().catch(() => {});
        break;
      case 'pause':
        audio.pause();
        break;
      case 'seek':
        audio.currentTime = Math.max(0, Number(args[0]) || 0);
        break;
      default:
        break;
    }
  }
}
define('wx-audio', AudioElement);
