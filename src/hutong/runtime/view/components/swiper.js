// @ts-check
/**
 * `<swiper>` and `<swiper-item>`: slides in a track moved by transform; dots, autoplay, circular,
 * vertical, current, display-multiple-items, previous/next margins; change and animationfinish with
 * WeChat's `source` ("autoplay", "touch" or "").
 */
import { emit } from '../events.js';
import { Builtin, define, flag, num } from './base.js';

const STYLE = `:host { display: block; height: 150px; position: relative; overflow: hidden; }
.frame { position: absolute; inset: 0; overflow: hidden; touch-action: pan-y; }
:host([vertical]:not([vertical="false"])) .frame { touch-action: pan-x; }
.track { display: flex; width: 100%; height: 100%; will-change: transform; }
:host([vertical]:not([vertical="false"])) .track { flex-direction: column; }
::slotted(wx-swiper-item) { flex: 0 0 var(--item, 100%); width: 100%; height: 100%; overflow: hidden; box-sizing: border-box; }
:host([vertical]:not([vertical="false"])) ::slotted(wx-swiper-item) { height: var(--item, 100%); }
.dots { position: absolute; left: 50%; bottom: 10px; transform: translateX(-50%); display: flex; gap: 8px; pointer-events: none; }
:host([vertical]:not([vertical="false"])) .dots { left: auto; right: 10px; bottom: auto; top: 50%; transform: translateY(-50%); flex-direction: column; }
.dots[hidden] { display: none; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--dot, rgba(0,0,0,.3)); }
.dot.on { background: var(--dot-on, #000); }`;

class Swiper extends Builtin {
  static observed = ['current', 'current-item-id', 'indicator-dots', 'indicator-color', 'indicator-active-color', 'autoplay',
    'interval', 'duration', 'circular', 'vertical', 'display-multiple-items', 'previous-margin', 'next-margin'];
  current = 0;
  /** @type {string | null} */
  appliedCurrent = null;
  /** @type {string | null} */
  appliedItemId = null;
  timer = 0;
  /** @type {HTMLElement} */
  track;
  /** @type {HTMLElement} */
  frame;
  /** @type {HTMLElement} */
  dots;

  constructor() {
    super();
    const root = this.shadow(STYLE, '<div class="frame"><div class="track"><slot></slot></div></div><div class="dots"></div>');
    this.track = /** @type {HTMLElement} */ (root.querySelector('.track'));
    this.frame = /** @type {HTMLElement} */ (root.querySelector('.frame'));
    this.dots = /** @type {HTMLElement} */ (root.querySelector('.dots'));
    root.querySelector('slot')?.addEventListener('slotchange', () => this.render());
    this.dragging();
  }

  get items() {
    return Array.from(this.children).filter((c) => c.localName === 'wx-swiper-item');
  }

  get vertical() {
    return flag(this, 'vertical');
  }

  dragging() {
    /** @type {{x: number, y: number, id: number} | null} */
    let start = null;
    this.frame.addEventListener('pointerdown', (event) => {
      start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    });
    this.frame.addEventListener('pointermove', (event) => {
      if (!start || event.pointerId !== start.id) return;
      const delta = this.vertical ? event.clientY - start.y : event.clientX - start.x;
      this.place(this.current, delta, false);
    });
    const end = (/** @type {PointerEvent} */ event) => {
      if (!start) return;
      const delta = this.vertical ? event.clientY - start.y : event.clientX - start.x;
      start = null;
      const size = this.vertical ? this.frame.clientHeight : this.frame.clientWidth;
      if (Math.abs(delta) > Math.min(40, size / 5)) this.go(this.current + (delta < 0 ? 1 : -1), 'touch');
      else this.place(this.current, 0, true);
    };
    this.frame.addEventListener('pointerup', end);
    this.frame.addEventListener('pointercancel', end);
  }

  /** Move the track to `index`, `offset` px past it. @param {number} index @param {number} offset @param {boolean} animate */
  place(index, offset, animate) {
    const shown = Math.max(1, num(this, 'display-multiple-items', 1));
    const per = 100 / shown;
    const axis = this.vertical ? 'Y' : 'X';
    this.track.style.transition = animate ? `transform ${num(this, 'duration', 500)}ms ease` : 'none';
    this.track.style.transform = `translate${axis}(calc(${-index * per}% + ${offset}px))`;
  }

  /** @param {number} index @param {string} source */
  go(index, source) {
    const count = this.items.length;
    if (!count) return;
    const shown = Math.max(1, num(this, 'display-multiple-items', 1));
    const last = Math.max(0, count - shown);
    let next = index;
    if (flag(this, 'circular')) next = ((index % (last + 1)) + last + 1) % (last + 1);
    else next = Math.min(last, Math.max(0, index));
    if (next === this.current) {
      this.place(this.current, 0, true);
      return;
    }
    this.current = next;
    this.place(next, 0, true);
    this.drawDots();
    const item = this.items[next];
    const detail = { current: next, currentItemId: item?.getAttribute('item-id') || '', source };
    emit(this, 'change', detail);
    emit(this, 'transition', { dx: 0, dy: 0 });
    setTimeout(() => emit(this, 'animationfinish', detail), num(this, 'duration', 500));
  }

  drawDots() {
    const count = this.items.length;
    this.dots.hidden = !flag(this, 'indicator-dots');
    if (this.dots.children.length !== count) this.dots.innerHTML = '<i class="dot"></i>'.repeat(count);
    Array.from(this.dots.children).forEach((dot, i) => dot.classList.toggle('on', i === this.current));
    const color = this.getAttribute('indicator-color');
    const active = this.getAttribute('indicator-active-color');
    if (color) this.style.setProperty('--dot', color);
    if (active) this.style.setProperty('--dot-on', active);
  }

  render() {
    const shown = Math.max(1, num(this, 'display-multiple-items', 1));
    this.style.setProperty('--item', `${100 / shown}%`);
    const before = this.getAttribute('previous-margin');
    const after = this.getAttribute('next-margin');
    const [from, to] = this.vertical ? ['top', 'bottom'] : ['left', 'right'];
    this.frame.style.setProperty(from, before || '0');
    this.frame.style.setProperty(to, after || '0');
    this.frame.style.overflow = before || after ? 'visible' : 'hidden';
    const current = this.getAttribute('current');
    const itemId = this.getAttribute('current-item-id');
    if (current !== this.appliedCurrent) {
      this.appliedCurrent = current;
      this.current = Math.max(0, Math.min(this.items.length - 1, num(this, 'current', 0)));
    }
    if (itemId !== this.appliedItemId) {
      this.appliedItemId = itemId;
      const found = this.items.findIndex((item) => item.getAttribute('item-id') === itemId);
      if (itemId && found >= 0) this.current = found;
    }
    this.place(this.current, 0, false);
    this.drawDots();
    clearInterval(this.timer);
    if (flag(this, 'autoplay')) {
      this.timer = window.setInterval(() => {
        const shownNow = Math.max(1, num(this, 'display-multiple-items', 1));
        const atEnd = this.current >= this.items.length - shownNow;
        this.go(atEnd && !flag(this, 'circular') ? 0 : this.current + 1, 'autoplay');
      }, num(this, 'interval', 5000));
    }
  }

  disconnectedCallback() {
    clearInterval(this.timer);
  }
}
define('wx-swiper', Swiper);
