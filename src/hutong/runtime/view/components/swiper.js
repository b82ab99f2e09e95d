// @ts-check
/**
 * `<swiper>` and `<swiper-item>`. As in WeChat, each item is placed on its own (an inline transform,
 * in units of one item's size) from one position `pos` that drags and animations move. With `circular`
 * the items wrap around that position, so the item after the last is the first, in both directions,
 * and looping never rewinds. Events: change and animationfinish `{current, currentItemId, source}`
 * (source "autoplay", "touch" or ""), transition `{dx, dy}` while the items move.
 */
import { emit } from '../events.js';
import { Builtin, define, flag, num } from './base.js';

const STYLE = `:host { display: block; height: 150px; position: relative; overflow: hidden; }
.frame { position: absolute; inset: 0; overflow: hidden; touch-action: pan-y; }
:host([vertical]:not([vertical="false"])) .frame { touch-action: pan-x; }
/* The slide frame is one item's size (display-multiple-items shrinks it): items move in steps of 100%. */
.track { position: relative; width: var(--item, 100%); height: 100%; }
:host([vertical]:not([vertical="false"])) .track { width: 100%; height: var(--item, 100%); }
.dots { position: absolute; left: 50%; bottom: 10px; transform: translateX(-50%); display: flex; gap: 8px; pointer-events: none; z-index: 1; }
:host([vertical]:not([vertical="false"])) .dots { left: auto; right: 10px; bottom: auto; top: 50%; transform: translateY(-50%); flex-direction: column; }
.dots[hidden] { display: none; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--dot, rgba(0,0,0,.3)); }
.dot.on { background: var(--dot-on, #000); }`;

/** WeChat's easing-function values. @type {Record<string, (t: number) => number>} */
const EASING = {
  default: (t) => 1 - (1 - t) ** 2.2,
  linear: (t) => t,
  easeInCubic: (t) => t ** 3,
  easeOutCubic: (t) => 1 - (1 - t) ** 3,
  easeInOutCubic: (t) => (t < 0.5 ? 4 * t ** 3 : 1 - (-2 * t + 2) ** 3 / 2),
};

/** @param {number} n @param {number} m */
const mod = (n, m) => ((n % m) + m) % m;

class Swiper extends Builtin {
  static observed = ['current', 'current-item-id', 'indicator-dots', 'indicator-color', 'indicator-active-color', 'autoplay',
    'interval', 'duration', 'circular', 'vertical', 'display-multiple-items', 'previous-margin', 'next-margin', 'easing-function'];
  /** The index of the first item shown (an integer once the items rest). */
  current = 0;
  /** Where the items are: item `i` sits `i - pos` item sizes from the frame's start. */
  pos = 0;
  /** Which way the items last moved (circular with few items: where the spare item goes). */
  heading = 1;
  /** The position a transition's dx and dy count from. */
  anchor = 0;
  /** Where the last move was going, to carry on after a touch that did not drag. */
  goal = { target: 0, source: '' };
  animating = false;
  /** A touch stopped a move half way. */
  interrupted = false;
  /** @type {string | null} */
  appliedCurrent = null;
  /** @type {string | null} */
  appliedItemId = null;
  timer = 0;
  frameId = 0;
  dragging = false;
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
    // A new style from the page replaces an item's inline transform: put it back.
    new MutationObserver(() => this.layout()).observe(this, { subtree: true, attributes: true, attributeFilter: ['style'] });
    this.drag();
  }

  get items() {
    return /** @type {HTMLElement[]} */ (Array.from(this.children).filter((c) => c.localName === 'wx-swiper-item'));
  }

  get vertical() {
    return flag(this, 'vertical');
  }

  get shown() {
    return Math.max(1, Math.floor(num(this, 'display-multiple-items', 1)));
  }

  get circular() {
    return flag(this, 'circular') && this.items.length > this.shown;
  }

  /** The highest position a non-circular swiper rests at. */
  get last() {
    return Math.max(0, this.items.length - this.shown);
  }

  /** One item's size in px along the axis. */
  itemSize() {
    const size = this.vertical ? this.frame.clientHeight : this.frame.clientWidth;
    return Math.max(1, size / this.shown);
  }

  /** Place every item for `this.pos`. */
  layout() {
    const items = this.items;
    const count = items.length;
    const axis = this.vertical ? 'Y' : 'X';
    // Circular: offsets wrap into a window of `count` around the frame; the spare items go where
    // the items are heading, so the one coming in is always there.
    const spare = count - this.shown;
    const lead = spare >= 2 ? -Math.max(1, Math.floor(spare / 2)) : this.heading < 0 ? -1 : 0;
    items.forEach((item, i) => {
      let offset = i - this.pos;
      if (this.circular) offset = mod(offset - lead, count) + lead;
      const transform = `translate${axis}(${offset * 100}%) translateZ(0)`;
      // Compared with what was set (the browser rewrites it), so the style observer stops here.
      const placed = /** @type {any} */ (item);
      if (placed.__wanted === transform && placed.__placed === item.style.transform) return;
      item.style.transform = transform;
      placed.__wanted = transform;
      placed.__placed = item.style.transform;
    });
  }

  /** @param {string} source @param {number} [index] */
  detail(source, index = this.current) {
    const item = this.items[index];
    return { current: index, currentItemId: item?.getAttribute('item-id') || '', source };
  }

  /** Report how far the items moved from where this transition began. */
  transition() {
    const moved = (this.pos - this.anchor) * this.itemSize();
    emit(this, 'transition', this.vertical ? { dx: 0, dy: moved } : { dx: moved, dy: 0 });
  }

  /**
   * Move to position `target` (an integer; circular may go past either end) and rest there.
   * @param {number} target @param {string} source @param {boolean} [animate]
   */
  moveTo(target, source, animate = true) {
    const count = this.items.length;
    if (!count) return;
    if (!this.circular) target = Math.min(this.last, Math.max(0, target));
    const index = this.circular ? mod(target, count) : target;
    const changed = index !== this.current;
    this.goal = { target, source };
    cancelAnimationFrame(this.frameId);
    if (target !== this.pos) this.heading = target > this.pos ? 1 : -1;
    this.current = index;
    this.drawDots();
    if (changed) emit(this, 'change', this.detail(source));
    const from = this.pos;
    // A drag's transition counts from where the finger started; any other from here.
    if (source !== 'touch') this.anchor = from;
    const duration = num(this, 'duration', 500);
    const finish = () => {
      this.animating = false;
      this.pos = index;
      this.layout();
      this.restartAutoplay();
      if (from !== target) emit(this, 'animationfinish', this.detail(source));
    };
    if (!animate || duration <= 0 || from === target) {
      this.pos = target;
      this.layout();
      finish();
      return;
    }
    this.animating = true;
    const ease = EASING[this.getAttribute('easing-function') || 'default'] || EASING.default;
    const start = performance.now();
    const step = (/** @type {number} */ now) => {
      // A frame's timestamp can be a little before `start`.
      const t = Math.min(1, Math.max(0, (now - start) / duration));
      this.pos = from + (target - from) * ease(t);
      this.layout();
      this.transition();
      if (t < 1) this.frameId = requestAnimationFrame(step);
      else finish();
    };
    this.frameId = requestAnimationFrame(step);
  }

  drag() {
    /** @type {{x: number, y: number, id: number, pos: number, moved: boolean, samples: [number, number][]} | null} */
    let start = null;
    const along = (/** @type {PointerEvent} */ event) => (this.vertical ? event.clientY : event.clientX);
    this.frame.addEventListener('pointerdown', (event) => {
      if (start || !this.items.length || (event.pointerType === 'mouse' && event.button !== 0)) return;
      this.interrupted = this.animating;
      this.animating = false;
      cancelAnimationFrame(this.frameId);
      clearTimeout(this.timer);
      start = { x: event.clientX, y: event.clientY, id: event.pointerId, pos: this.pos, moved: false, samples: [[event.timeStamp, along(event)]] };
      this.anchor = this.pos;
    });
    this.frame.addEventListener('pointermove', (event) => {
      if (!start || event.pointerId !== start.id) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!start.moved) {
        // Only a move along the swiper's axis drags it; across it, the page scrolls.
        if (Math.max(Math.abs(dx), Math.abs(dy)) < 5) return;
        if (Math.abs(this.vertical ? dx : dy) > Math.abs(this.vertical ? dy : dx)) {
          start = null;
          this.resume();
          return;
        }
        start.moved = true;
        this.dragging = true;
        this.frame.setPointerCapture?.(event.pointerId);
      }
      start.samples.push([event.timeStamp, along(event)]);
      if (start.samples.length > 5) start.samples.shift();
      let pos = start.pos - (this.vertical ? dy : dx) / this.itemSize();
      // Past either end of a non-circular swiper the items follow at a third of the finger.
      if (!this.circular) pos = pos < 0 ? pos / 3 : pos > this.last ? this.last + (pos - this.last) / 3 : pos;
      if (pos !== this.pos) this.heading = pos > this.pos ? 1 : -1;
      this.pos = pos;
      this.layout();
      this.transition();
    });
    const end = (/** @type {PointerEvent} */ event) => {
      if (!start || event.pointerId !== start.id) return;
      const { samples, pos: from, moved } = start;
      start = null;
      this.dragging = false;
      if (!moved) {
        this.resume();
        return;
      }
      const [t0, p0] = samples[0];
      const [t1, p1] = samples[samples.length - 1];
      const velocity = t1 > t0 ? (p1 - p0) / (t1 - t0) : 0; // px per ms, along the axis
      const travelled = this.pos - from;
      let target = Math.round(this.pos);
      // A quick flick turns the page even when it moved less than half an item.
      if (Math.abs(velocity) > 0.3 && Math.abs(travelled) > 0.05 && target === Math.round(from)) target = Math.round(from) + (velocity < 0 ? 1 : -1);
      this.moveTo(target, 'touch');
    };
    this.frame.addEventListener('pointerup', end);
    this.frame.addEventListener('pointercancel', end);
  }

  /** A touch stopped the items and did not drag them: finish the move it interrupted. */
  resume() {
    if (this.interrupted) this.moveTo(this.goal.target, this.goal.source);
    else this.restartAutoplay();
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

  restartAutoplay() {
    clearTimeout(this.timer);
    if (!flag(this, 'autoplay') || this.dragging || !this.isConnected || this.items.length < 2) return;
    this.timer = window.setTimeout(() => {
      // Without circular, the last item is followed by the first, rewinding as WeChat does.
      const next = !this.circular && this.current >= this.last ? 0 : Math.round(this.pos) + 1;
      this.moveTo(next, 'autoplay');
    }, num(this, 'interval', 5000));
  }

  render() {
    const count = this.items.length;
    this.style.setProperty('--item', `${100 / this.shown}%`);
    const before = this.getAttribute('previous-margin');
    const after = this.getAttribute('next-margin');
    const [from, to] = this.vertical ? ['top', 'bottom'] : ['left', 'right'];
    const [across1, across2] = this.vertical ? ['left', 'right'] : ['top', 'bottom'];
    this.frame.style.setProperty(from, before || '0');
    this.frame.style.setProperty(to, after || '0');
    this.frame.style.setProperty(across1, '0');
    this.frame.style.setProperty(across2, '0');
    this.frame.style.overflow = before || after ? 'visible' : 'hidden';
    const current = this.getAttribute('current');
    const itemId = this.getAttribute('current-item-id');
    let target = null;
    // Attributes can arrive before the items: a current is applied once there are items.
    if (current !== this.appliedCurrent && count) {
      const first = this.appliedCurrent === null;
      this.appliedCurrent = current;
      const wanted = Math.max(0, Math.min(count - 1, Math.floor(num(this, 'current', 0))));
      if (first) this.current = this.pos = wanted;
      else target = wanted;
    }
    if (itemId !== this.appliedItemId) {
      this.appliedItemId = itemId;
      const found = this.items.findIndex((item) => item.getAttribute('item-id') === itemId);
      if (itemId && found >= 0) target = found;
    }
    if (this.current >= count && count) this.current = this.pos = Math.max(0, count - 1);
    this.drawDots();
    if (target !== null && target !== this.current) {
      // A new current from setData animates there, the short way round when circular.
      let to = target;
      if (this.circular) {
        const ahead = mod(target - this.current, count);
        to = Math.round(this.pos) + (ahead <= count / 2 ? ahead : ahead - count);
      }
      this.moveTo(to, '');
      return;
    }
    this.layout();
    this.restartAutoplay();
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
    cancelAnimationFrame(this.frameId);
  }
}
define('wx-swiper', Swiper);
