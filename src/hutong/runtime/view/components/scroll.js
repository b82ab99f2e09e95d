// @ts-check
/**
 * `<scroll-view>`: scroll-x/scroll-y, scroll-top/left and scroll-into-view (with animation if asked),
 * bindscroll with WeChat's detail, scrolltoupper/lower at their thresholds, and the refresher
 * (pull down inside it: refresherpulling/refresherrefresh, `refresher-triggered` closes it).
 */
import { emit } from '../events.js';
import { Builtin, define, flag, num } from './base.js';

const STYLE = `:host { display: block; position: relative; }
.scroller { width: 100%; height: 100%; max-height: inherit; overflow: hidden; overscroll-behavior: contain;
  -webkit-overflow-scrolling: touch; }
:host([hutong-x]) .scroller { overflow-x: auto; }
:host([hutong-y]) .scroller { overflow-y: auto; }
.content { display: inherit; flex-direction: inherit; flex-wrap: inherit; align-items: inherit;
  justify-content: inherit; gap: inherit; min-height: 100%; }
:host([hutong-x]) .content { min-width: 100%; width: max-content; }
:host([hutong-x]:not([enable-flex])) .content { display: block; width: auto; }
:host(:not([show-scrollbar])) .scroller::-webkit-scrollbar, :host([show-scrollbar="false"]) .scroller::-webkit-scrollbar { display: none; }
.refresher { height: 0; overflow: hidden; display: flex; align-items: center; justify-content: center;
  gap: 6px; background: var(--refresher-bg, #fff); transition: height .2s; }
.refresher.open { height: var(--refresher-height, 45px); }
.refresher i { width: 6px; height: 6px; border-radius: 50%; background: rgba(0,0,0,.4); }
:host([refresher-default-style="white"]) .refresher i { background: rgba(255,255,255,.8); }
:host([refresher-default-style="none"]) .refresher i { display: none; }`;

class ScrollView extends Builtin {
  static observed = ['scroll-x', 'scroll-y', 'scroll-top', 'scroll-left', 'scroll-into-view', 'scroll-with-animation',
    'refresher-enabled', 'refresher-triggered', 'refresher-background', 'refresher-threshold', 'enable-flex'];
  /** @type {HTMLElement} */
  scroller;
  /** @type {HTMLElement} */
  refresher;
  last = { top: 0, left: 0 };
  edges = { upper: true, lower: false };
  /** @type {Record<string, string | null>} */
  applied = {};

  constructor() {
    super();
    const root = this.shadow(STYLE, '<div class="scroller" part="scroller"><div class="refresher" part="refresher"><i></i><i></i><i></i></div><div class="content" part="content"><slot></slot></div></div>');
    this.scroller = /** @type {HTMLElement} */ (root.querySelector('.scroller'));
    this.refresher = /** @type {HTMLElement} */ (root.querySelector('.refresher'));
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    let pullFrom = -1;
    this.scroller.addEventListener('pointerdown', (event) => {
      pullFrom = flag(this, 'refresher-enabled') && this.scroller.scrollTop <= 0 ? event.clientY : -1;
    });
    this.scroller.addEventListener('pointermove', (event) => {
      if (pullFrom < 0) return;
      const dy = event.clientY - pullFrom;
      if (dy > 0) emit(this, 'refresherpulling', { dy });
      if (dy > num(this, 'refresher-threshold', 45)) {
        pullFrom = -1;
        this.openRefresher(true);
      }
    });
    this.scroller.addEventListener('pointerup', () => {
      pullFrom = -1;
    });
  }

  /** @param {boolean} byUser */
  openRefresher(byUser) {
    if (this.refresher.classList.contains('open')) return;
    this.refresher.classList.add('open');
    if (byUser) emit(this, 'refresherrefresh', {});
  }

  onScroll() {
    const s = this.scroller;
    const detail = {
      scrollLeft: s.scrollLeft,
      scrollTop: s.scrollTop,
      scrollHeight: s.scrollHeight,
      scrollWidth: s.scrollWidth,
      deltaX: this.last.left - s.scrollLeft,
      deltaY: this.last.top - s.scrollTop,
    };
    this.last = { top: s.scrollTop, left: s.scrollLeft };
    emit(this, 'scroll', detail);
    const vertical = flag(this, 'scroll-y');
    const upper = num(this, 'upper-threshold', 50);
    const lower = num(this, 'lower-threshold', 50);
    const pos = vertical ? s.scrollTop : s.scrollLeft;
    const max = vertical ? s.scrollHeight - s.clientHeight : s.scrollWidth - s.clientWidth;
    const atUpper = pos <= upper;
    const atLower = max - pos <= lower;
    if (atUpper && !this.edges.upper) emit(this, 'scrolltoupper', { direction: vertical ? 'top' : 'left' });
    if (atLower && !this.edges.lower) emit(this, 'scrolltolower', { direction: vertical ? 'bottom' : 'right' });
    this.edges = { upper: atUpper, lower: atLower };
  }

  /** @param {string} name */
  changed(name) {
    const value = this.getAttribute(name);
    if (this.applied[name] === value) return false;
    this.applied[name] = value;
    return value !== null;
  }

  render() {
    this.toggleAttribute('hutong-x', flag(this, 'scroll-x'));
    this.toggleAttribute('hutong-y', flag(this, 'scroll-y'));
    const bg = this.getAttribute('refresher-background');
    if (bg) this.style.setProperty('--refresher-bg', bg);
    const behavior = flag(this, 'scroll-with-animation') ? 'smooth' : 'instant';
    // Layout must exist before scrolling: wait a frame for the children inserted in the same render.
    requestAnimationFrame(() => {
      if (this.changed('scroll-top')) this.scroller.scrollTo({ top: num(this, 'scroll-top', 0), behavior });
      if (this.changed('scroll-left')) this.scroller.scrollTo({ left: num(this, 'scroll-left', 0), behavior });
      if (this.changed('scroll-into-view')) {
        const id = String(this.getAttribute('scroll-into-view'));
        const target = id && this.querySelector(`#${CSS.escape(id)}`);
        if (target) {
          const box = this.scroller.getBoundingClientRect();
          const rect = target.getBoundingClientRect();
          this.scroller.scrollTo({
            top: this.scroller.scrollTop + rect.top - box.top,
            left: this.scroller.scrollLeft + rect.left - box.left,
            behavior,
          });
        }
      }
    });
    if (this.changed('refresher-triggered') || this.hasAttribute('refresher-triggered')) {
      if (flag(this, 'refresher-triggered')) this.openRefresher(false);
      else if (this.refresher.classList.contains('open')) {
        this.refresher.classList.remove('open');
        emit(this, 'refresherrestore', {});
      }
    }
  }
}
define('wx-scroll-view', ScrollView);
