// @ts-check
/**
 * WeChat's early feedback components, long replaced by wx.showToast/showModal/… but still found in
 * older public mini programs: toast, loading, modal, action-sheet (with action-sheet-item and
 * action-sheet-cancel). Each shows while it has no `hidden` attribute.
 */
import { emit } from '../events.js';
import { Builtin, closest, define, flag, num } from './base.js';

const BOX = `:host(:not([hidden])) { display: block; }
.mask { position: fixed; inset: 0; z-index: 1000; }
.box { position: fixed; z-index: 1001; top: 45%; left: 50%; transform: translate(-50%, -50%); min-width: 7.6em;
  min-height: 7.6em; box-sizing: border-box; padding: 1.2em 1em 1em; border-radius: 5px; background: rgba(40, 40, 40, 0.75);
  color: #fff; text-align: center; font-size: 16px; display: flex; flex-direction: column; align-items: center; }
svg { width: 55px; height: 55px; margin-bottom: 0.5em; }
@keyframes spin { to { transform: rotate(360deg); } }
.spin { animation: spin 1s linear infinite; }`;

class Toast extends Builtin {
  static observed = ['hidden', 'duration'];
  timer = 0;

  constructor() {
    super();
    this.shadow(BOX, '<div class="mask"></div><div class="box" role="status"><svg viewBox="0 0 24 24"><path d="M4 12.5l5 5L20 6.5" fill="none" stroke="#fff" stroke-width="1.6"/></svg><slot></slot></div>');
  }

  render() {
    clearTimeout(this.timer);
    if (this.hasAttribute('hidden')) return;
    // After `duration` the page is told, so it can hide the toast again.
    this.timer = window.setTimeout(() => emit(this, 'change', {}), num(this, 'duration', 1500));
  }
}
define('wx-toast', Toast);

class Loading extends Builtin {
  constructor() {
    super();
    this.shadow(BOX, '<div class="mask"></div><div class="box" role="status"><svg class="spin" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="#fff" stroke-width="2" stroke-dasharray="42 20"/></svg><slot></slot></div>');
  }
}
define('wx-loading', Loading);

const MODAL = `:host(:not([hidden])) { display: block; }
.mask { position: fixed; inset: 0; z-index: 1000; background: rgba(0, 0, 0, 0.6); }
.box { position: fixed; z-index: 1001; top: 50%; left: 50%; transform: translate(-50%, -50%); width: 80%; max-width: 300px;
  background: #fff; border-radius: 3px; text-align: center; overflow: hidden; }
.title { padding: 1.3em 1.6em 0.5em; font-weight: 400; font-size: 18px; }
.body { padding: 0 1.6em 1.2em; min-height: 40px; font-size: 15px; color: #999; }
.foot { display: flex; border-top: 1px solid #d5d5d7; line-height: 48px; font-size: 18px; }
.foot button { all: unset; flex: 1; cursor: pointer; }
.cancel { color: #353535; border-right: 1px solid #d5d5d7; }
.cancel[hidden] { display: none; }
.confirm { color: #3cc51f; }`;

class Modal extends Builtin {
  static observed = ['title', 'no-cancel', 'confirm-text', 'cancel-text'];

  constructor() {
    super();
    const root = this.shadow(MODAL, '<div class="mask"></div><div class="box" role="dialog"><div class="title"></div><div class="body"><slot></slot></div><div class="foot"><button class="cancel"></button><button class="confirm"></button></div></div>');
    root.querySelector('.cancel')?.addEventListener('click', () => emit(this, 'cancel', {}));
    root.querySelector('.confirm')?.addEventListener('click', () => emit(this, 'confirm', {}));
  }

  render() {
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    /** @type {HTMLElement} */ (root.querySelector('.title')).textContent = this.getAttribute('title') || '';
    const cancel = /** @type {HTMLElement} */ (root.querySelector('.cancel'));
    cancel.textContent = this.getAttribute('cancel-text') || '取消';
    cancel.hidden = flag(this, 'no-cancel');
    /** @type {HTMLElement} */ (root.querySelector('.confirm')).textContent = this.getAttribute('confirm-text') || '确定';
  }
}
define('wx-modal', Modal);

class ActionSheet extends Builtin {
  constructor() {
    super();
    const root = this.shadow(`:host(:not([hidden])) { display: block; }
      .mask { position: fixed; inset: 0; z-index: 1000; background: rgba(0, 0, 0, 0.6); }
      .sheet { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1001; background: #efeff4; }`,
    '<div class="mask"></div><div class="sheet" role="menu"><slot></slot></div>');
    // A tap outside the items (or on action-sheet-cancel) reports change, for the page to hide it.
    root.querySelector('.mask')?.addEventListener('click', () => emit(this, 'change', {}));
  }
}
define('wx-action-sheet', ActionSheet);

class ActionSheetCancel extends HTMLElement {
  constructor() {
    super();
    this.addEventListener('click', () => {
      const sheet = closest(this, 'wx-action-sheet');
      if (sheet) emit(sheet, 'change', {});
    });
  }
}
define('wx-action-sheet-cancel', ActionSheetCancel);

// -- match-media and page-container -----------------------------------------------------------------------
/** `<match-media>` shows its children only while the viewport matches its attributes. */
class MatchMedia extends Builtin {
  static observed = ['min-width', 'max-width', 'width', 'min-height', 'max-height', 'height', 'orientation'];
  /** @type {MediaQueryList | null} */
  query = null;
  onChange = () => this.toggleAttribute('hutong-unmatched', !this.query?.matches);

  render() {
    const parts = [];
    for (const name of ['min-width', 'max-width', 'width', 'min-height', 'max-height', 'height']) {
      const value = this.getAttribute(name);
      if (value !== null && value !== '') parts.push(`(${name}: ${parseFloat(value)}px)`);
    }
    const orientation = this.getAttribute('orientation');
    if (orientation === 'landscape' || orientation === 'portrait') parts.push(`(orientation: ${orientation})`);
    this.query?.removeEventListener('change', this.onChange);
    this.query = window.matchMedia(parts.join(' and ') || 'all');
    this.query.addEventListener('change', this.onChange);
    this.onChange();
  }
}
define('wx-match-media', MatchMedia);

/** `<page-container show>`: a popup layer over the page (position top/bottom/right/center). */
class PageContainer extends Builtin {
  static observed = ['show', 'position', 'overlay', 'round', 'z-index', 'overlay-style', 'custom-style'];
  shown = false;

  constructor() {
    super();
    const root = this.shadow(`:host { display: none; } :host([hutong-open]) { display: block; }
      .mask { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.7); }
      .mask[hidden] { display: none; }
      .panel { position: fixed; left: 0; right: 0; bottom: 0; background: #fff; max-height: 100%; overflow: auto; }
      :host([position="top"]) .panel { top: 0; bottom: auto; }
      :host([position="right"]) .panel { top: 0; left: auto; width: 80%; }
      :host([position="center"]) .panel { top: 50%; bottom: auto; left: 50%; right: auto; transform: translate(-50%, -50%); }
      :host([round]:not([round="false"])) .panel { border-radius: 20px 20px 0 0; }`,
    '<div class="mask"></div><div class="panel"><slot></slot></div>');
    root.querySelector('.mask')?.addEventListener('click', () => emit(this, 'clickoverlay', {}));
  }

  render() {
    const show = flag(this, 'show');
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    /** @type {HTMLElement} */ (root.querySelector('.mask')).hidden = this.getAttribute('overlay') === 'false';
    /** @type {HTMLElement} */ (root.querySelector('.mask')).setAttribute('style', this.getAttribute('overlay-style') || '');
    /** @type {HTMLElement} */ (root.querySelector('.panel')).setAttribute('style', this.getAttribute('custom-style') || '');
    this.style.zIndex = this.getAttribute('z-index') || '100';
    if (show === this.shown) return;
    this.shown = show;
    this.toggleAttribute('hutong-open', show);
    emit(this, show ? 'beforeenter' : 'beforeleave', {});
    emit(this, show ? 'enter' : 'leave', {});
    emit(this, show ? 'afterenter' : 'afterleave', {});
  }
}
define('wx-page-container', PageContainer);
