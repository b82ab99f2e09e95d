// @ts-check
/**
 * `<picker-view>` and `<picker-view-column>`: wheels. Each column moves its rows by a transform under a
 * fixed indicator; a drag (touch or mouse) follows the finger, carries on with the release speed and
 * snaps to a row; a mouse wheel turns one row a notch; a tap on a row turns to it. The row height is
 * the indicator's (indicator-style / indicator-class, 34px by default), as in WeChat. Events: pickstart,
 * pickend and change `{value}` (every column's index) once the columns rest, or at release with
 * immediate-change. `<picker>`'s bottom sheet is built from these (picker.js).
 */
import { emit } from '../events.js';
import { define, flag } from './base.js';

const ROW = 34;

const VIEW_CSS = `:host { display: block; position: relative; overflow: hidden; height: 200px; }
.columns { display: flex; height: 100%; }
.mask { position: absolute; inset: 0; pointer-events: none; z-index: 2;
  background-image: linear-gradient(180deg, rgba(255,255,255,.95), rgba(255,255,255,.6)), linear-gradient(0deg, rgba(255,255,255,.95), rgba(255,255,255,.6));
  background-position: top, bottom; background-size: 100% var(--mask, 83px); background-repeat: no-repeat; }
.indicator { position: absolute; left: 0; right: 0; top: 50%; height: ${ROW}px; transform: translateY(-50%); pointer-events: none; z-index: 3; }
.indicator::before, .indicator::after { content: ''; position: absolute; left: 0; right: 0; height: 1px; background: #e5e5e5; transform: scaleY(.5); }
.indicator::before { top: 0; transform-origin: 0 0; }
.indicator::after { bottom: 0; transform-origin: 0 100%; }
::slotted(wx-picker-view-column) { flex: 1; min-width: 0; height: 100%; }`;

const COLUMN_CSS = `:host { display: block; position: relative; overflow: hidden; height: 100%; touch-action: none; cursor: grab; user-select: none; }
.content { will-change: transform; }
::slotted(*) { display: block; height: var(--row, ${ROW}px); line-height: var(--row, ${ROW}px); overflow: hidden; text-align: center; box-sizing: border-box; }`;

/** @param {number} t */
const easeOut = (t) => 1 - (1 - t) ** 3;

export class PickerView extends HTMLElement {
  /**
   * Who hears this view's events: the page (through `emit`) unless the picker's sheet listens itself.
   * @type {{change?: (value: number[]) => void, pickstart?: () => void, pickend?: () => void} | null}
   */
  listener = null;
  /** @type {number[]} the value last reported or set */
  reported = [];
  picking = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${VIEW_CSS}</style><div class="columns"><slot></slot></div><div class="mask" part="mask"></div><div class="indicator" part="indicator"></div>`;
    this.mask = /** @type {HTMLElement} */ (root.querySelector('.mask'));
    this.indicator = /** @type {HTMLElement} */ (root.querySelector('.indicator'));
    root.querySelector('slot')?.addEventListener('slotchange', () => this.layout());
    new ResizeObserver(() => this.layout()).observe(this);
  }

  static get observedAttributes() {
    return ['indicator-style', 'indicator-class', 'mask-style', 'mask-class'];
  }

  get columns() {
    return /** @type {PickerViewColumn[]} */ (Array.from(this.children).filter((c) => c.localName === 'wx-picker-view-column'));
  }

  connectedCallback() {
    this.styleParts();
    const value = /** @type {any} */ (this).__props?.value;
    if (Array.isArray(value)) this.setValue(value);
  }

  attributeChangedCallback() {
    this.styleParts();
  }

  /** indicator-style/-class and mask-style/-class; the classes come from the page's own stylesheets. */
  styleParts() {
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    const owner = /** @type {any} */ (this.getRootNode());
    if (owner && owner.adoptedStyleSheets) root.adoptedStyleSheets = [...owner.adoptedStyleSheets];
    this.indicator.setAttribute('style', this.getAttribute('indicator-style') || '');
    this.indicator.className = `indicator ${this.getAttribute('indicator-class') || ''}`.trim();
    this.mask.setAttribute('style', this.getAttribute('mask-style') || '');
    this.mask.className = `mask ${this.getAttribute('mask-class') || ''}`.trim();
    this.layout();
  }

  /** The row height: the indicator's. */
  rowHeight() {
    return this.indicator.getBoundingClientRect().height || this.indicator.offsetHeight || ROW;
  }

  layout() {
    const row = this.rowHeight();
    const height = this.clientHeight;
    this.style.setProperty('--row', `${row}px`);
    this.mask.style.setProperty('--mask', `${Math.max(0, (height - row) / 2)}px`);
    for (const column of this.columns) column.layout(row, height);
  }

  /** @param {string} name @param {any} value */
  hutongPropChanged(name, value) {
    if (name === 'value' && Array.isArray(value)) this.setValue(value);
  }

  /** Set every column's row, without events. @param {any[]} value */
  setValue(value) {
    this.columns.forEach((column, i) => column.show(Number(value[i]) || 0));
    this.reported = this.hutongValue();
  }

  hutongValue() {
    return this.columns.map((column) => column.target);
  }

  hutongReset() {
    this.setValue([]);
  }

  started() {
    if (this.picking) return;
    this.picking = true;
    if (this.listener) this.listener.pickstart?.();
    else emit(this, 'pickstart', {});
  }

  /** A column let go (immediate-change reports now) or came to rest. @param {boolean} resting */
  settled(resting) {
    if (resting && this.columns.some((column) => column.moving)) return;
    if (resting || flag(this, 'immediate-change')) {
      const value = this.hutongValue();
      if (value.join() !== this.reported.join()) {
        this.reported = value;
        if (this.listener) this.listener.change?.(value);
        else emit(this, 'change', { value });
      }
    }
    if (resting && this.picking) {
      this.picking = false;
      if (this.listener) this.listener.pickend?.();
      else emit(this, 'pickend', {});
    }
  }
}
define('wx-picker-view', PickerView);

export class PickerViewColumn extends HTMLElement {
  /** The row the column shows, or is heading for. */
  target = 0;
  /** The row asked for by the value, which may not exist yet. */
  wanted = 0;
  /** The rows' offset in px (0: the first row under the indicator). */
  offset = 0;
  row = ROW;
  moving = false;
  frameId = 0;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${COLUMN_CSS}</style><div class="content"><slot></slot></div>`;
    this.content = /** @type {HTMLElement} */ (root.querySelector('.content'));
    // Rows can arrive after the value (a list loaded later): the wanted row is kept until they do.
    root.querySelector('slot')?.addEventListener('slotchange', () => {
      const target = Math.max(0, Math.min(this.count - 1, this.wanted));
      if (target !== this.target && !this.moving) {
        this.target = target;
        if (this.view) this.view.reported = this.view.hutongValue();
      }
      this.place();
    });
    // Nothing scrolls this column but its own transform (a focus or find can scroll overflow: hidden).
    this.addEventListener('scroll', () => {
      this.scrollTop = 0;
    });
    this.input();
  }

  get view() {
    const parent = this.parentElement;
    return parent instanceof PickerView ? parent : null;
  }

  get count() {
    return this.children.length;
  }

  /** @param {number} row @param {number} height */
  layout(row, height) {
    this.row = row;
    this.content.style.paddingTop = `${Math.max(0, (height - row) / 2)}px`;
    this.place();
  }

  place() {
    this.offset = -this.target * this.row;
    this.draw();
  }

  draw() {
    this.content.style.transform = `translateY(${this.offset}px)`;
  }

  /** Show row `index` at once. @param {number} index */
  show(index) {
    cancelAnimationFrame(this.frameId);
    this.moving = false;
    this.wanted = Math.max(0, Math.round(index));
    this.target = Math.max(0, Math.min(this.count - 1, this.wanted));
    this.place();
  }

  /** Turn to row `index`, animated, and tell the view. @param {number} index */
  turnTo(index) {
    const view = this.view;
    view?.started();
    this.target = Math.max(0, Math.min(this.count - 1, index));
    this.wanted = this.target;
    this.moving = true;
    view?.settled(false);
    const from = this.offset;
    const to = -this.target * this.row;
    const duration = Math.min(600, 150 + Math.abs(to - from) * 1.5);
    const start = performance.now();
    cancelAnimationFrame(this.frameId);
    const step = (/** @type {number} */ now) => {
      const t = Math.min(1, Math.max(0, (now - start) / duration));
      this.offset = from + (to - from) * easeOut(t);
      this.draw();
      if (t < 1) this.frameId = requestAnimationFrame(step);
      else {
        this.moving = false;
        this.view?.settled(true);
      }
    };
    this.frameId = requestAnimationFrame(step);
  }

  input() {
    /** @type {{id: number, y: number, offset: number, moved: boolean, samples: [number, number][]} | null} */
    let drag = null;
    this.addEventListener('pointerdown', (event) => {
      if (drag || (event.pointerType === 'mouse' && event.button !== 0) || !this.count) return;
      cancelAnimationFrame(this.frameId);
      drag = { id: event.pointerId, y: event.clientY, offset: this.offset, moved: false, samples: [[event.timeStamp, event.clientY]] };
      this.setPointerCapture?.(event.pointerId);
    });
    this.addEventListener('pointermove', (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        this.moving = true;
        this.view?.started();
      }
      drag.samples.push([event.timeStamp, event.clientY]);
      if (drag.samples.length > 5) drag.samples.shift();
      const top = 0;
      const bottom = -(this.count - 1) * this.row;
      let offset = drag.offset + dy;
      // Past the first or last row the wheel follows at a third of the finger.
      if (offset > top) offset = top + (offset - top) / 3;
      if (offset < bottom) offset = bottom + (offset - bottom) / 3;
      this.offset = offset;
      this.draw();
    });
    const end = (/** @type {PointerEvent} */ event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const { moved, samples } = drag;
      drag = null;
      if (!moved) {
        // A tap on a row turns to it (the row under the finger now, even while the wheel moves).
        const center = this.getBoundingClientRect().top + this.clientHeight / 2;
        const row = Math.round((event.clientY - center - this.offset) / this.row);
        if (row !== this.target || this.offset !== -this.target * this.row) this.turnTo(row);
        return;
      }
      const recent = samples.filter(([t]) => event.timeStamp - t < 100);
      const [t0, y0] = recent[0] || samples[samples.length - 1];
      const [t1, y1] = samples[samples.length - 1];
      const velocity = t1 > t0 ? (y1 - y0) / (t1 - t0) : 0; // px per ms
      // Carry on as far as the release speed would go, then snap to the nearest row.
      const projected = this.offset + velocity * 150;
      this.turnTo(Math.round(-projected / this.row));
    };
    this.addEventListener('pointerup', end);
    this.addEventListener('pointercancel', end);
    let notches = 0;
    this.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        notches += event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
        const rows = Math.trunc(notches / 50);
        if (!rows) return;
        notches = 0;
        this.turnTo(this.target + Math.sign(rows) * Math.max(1, Math.round(Math.abs(rows) / 2)));
      },
      { passive: false },
    );
  }
}
define('wx-picker-view-column', PickerViewColumn);
