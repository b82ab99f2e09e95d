// @ts-check
/**
 * `<picker>` (selector, multiSelector, time, date, region) opens a bottom sheet of columns inside the
 * frame; `<picker-view>` shows its `<picker-view-column>`s inline. Values and events as WeChat's:
 * change `{value}` (an index, an array of indexes, "HH:mm", "YYYY-MM-DD" or the region's names),
 * columnchange `{column, value}`, cancel.
 */
import { emit } from '../events.js';
import { define, flag } from './base.js';
import { REGIONS } from './regions.js';

const SHEET_CSS = `.hutong-picker-mask { position: fixed; inset: 0; background: rgba(0,0,0,.6); z-index: 1000; }
.hutong-picker { position: fixed; left: 0; right: 0; bottom: 0; background: #fff; z-index: 1001; font-size: 17px; }
.hutong-picker-bar { display: flex; justify-content: space-between; padding: 0 16px; height: 48px; align-items: center;
  border-bottom: 1px solid #e5e5e5; }
.hutong-picker-bar button { all: unset; cursor: pointer; padding: 8px 4px; color: #888; }
.hutong-picker-bar .ok { color: #07c160; font-weight: 600; }
.hutong-picker-cols { display: flex; height: 238px; }
.hutong-picker-col { flex: 1; overflow-y: auto; text-align: center; }
.hutong-picker-col div { height: 34px; line-height: 34px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.hutong-picker-col div.on { color: #000; font-weight: 600; background: #f2f2f2; }`;

let styled = false;
function ensureStyle() {
  if (styled) return;
  styled = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(SHEET_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/** An item's label for `range-key`. @param {any} item @param {string | null} key */
function label(item, key) {
  return item && typeof item === 'object' && key ? String(item[key] ?? '') : String(item ?? '');
}

/** @param {number} from @param {number} to */
const span = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** @param {number} y @param {number} m */
const daysIn = (y, m) => new Date(y, m, 0).getDate();

class Picker extends HTMLElement {
  constructor() {
    super();
    this.addEventListener('click', (event) => {
      if (flag(this, 'disabled') || /** @type {Element} */ (event.target).closest?.('.hutong-picker, .hutong-picker-mask')) return;
      this.open();
    });
  }

  get mode() {
    return this.getAttribute('mode') || 'selector';
  }

  /** @param {string} name */
  prop(name) {
    const props = /** @type {any} */ (this).__props || {};
    if (name in props) return props[name];
    const attr = this.getAttribute(name);
    return attr;
  }

  /** @type {any} what was chosen last, or undefined to use the value attribute */
  chosen = undefined;

  /** The current value in WeChat's form for the mode. @returns {any} */
  hutongValue() {
    if (this.chosen !== undefined) return this.chosen;
    const value = this.prop('value');
    switch (this.mode) {
      case 'multiSelector':
        return Array.isArray(value) ? value.map(Number) : [];
      case 'region':
        return Array.isArray(value) ? value : [];
      case 'time':
      case 'date':
        return value ?? '';
      default:
        return Number(value) || 0;
    }
  }

  hutongReset() {
    this.chosen = undefined;
  }

  /** @param {string} name @param {any} value */
  hutongPropChanged(name, value) {
    if (name === 'value') this.chosen = undefined;
    if (this.sheet && (name === 'range' || name === 'value')) this.draw();
  }

  /** @type {{cols: string[][], sel: number[]} | null} */
  state = null;
  /** @type {HTMLElement | null} */
  sheet = null;

  /** The columns and selection for the mode, from `sel` (or the value). @param {number[] | null} sel */
  columns(sel) {
    const key = this.getAttribute('range-key');
    const range = this.prop('range');
    switch (this.mode) {
      case 'multiSelector': {
        const cols = (Array.isArray(range) ? range : []).map((/** @type {any} */ col) => (Array.isArray(col) ? col : []).map((x) => label(x, key)));
        const value = this.hutongValue();
        return { cols, sel: sel || cols.map((_, i) => Number(value[i]) || 0) };
      }
      case 'time': {
        const cols = [span(0, 23).map(pad), span(0, 59).map(pad)];
        const [h, m] = String(this.hutongValue() || '00:00').split(':').map(Number);
        return { cols, sel: sel || [h || 0, m || 0] };
      }
      case 'date': {
        const start = String(this.getAttribute('start') || '1900-01-01').split('-').map(Number);
        const end = String(this.getAttribute('end') || '2100-12-31').split('-').map(Number);
        const today = new Date();
        const value = String(this.hutongValue() || `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`).split('-').map(Number);
        const years = span(start[0], end[0]);
        const fields = this.getAttribute('fields') || 'day';
        const y = sel ? years[sel[0]] : value[0];
        const month = sel ? sel[1] + 1 : value[1] || 1;
        const cols = [years.map((n) => `${n}年`)];
        if (fields !== 'year') cols.push(span(1, 12).map((n) => `${n}月`));
        if (fields === 'day') cols.push(span(1, daysIn(y, month)).map((n) => `${n}日`));
        const base = [Math.max(0, years.indexOf(y)), (month || 1) - 1, ((sel ? sel[2] : value[2]) || 1) - (sel ? 0 : 1)];
        return { cols, sel: base.slice(0, cols.length).map((v, i) => Math.min(v, cols[i].length - 1)) };
      }
      case 'region': {
        const value = this.hutongValue();
        const p = sel ? sel[0] : Math.max(0, REGIONS.findIndex((r) => r[0] === value[0]));
        const cities = REGIONS[p][1];
        const c = sel ? Math.min(sel[1], cities.length - 1) : Math.max(0, cities.indexOf(value[1]));
        return { cols: [REGIONS.map((r) => r[0]), cities, ['全部']], sel: [p, c, 0] };
      }
      default: {
        const cols = [(Array.isArray(range) ? range : []).map((x) => label(x, key))];
        return { cols, sel: sel || [Number(this.hutongValue()) || 0] };
      }
    }
  }

  open() {
    ensureStyle();
    this.state = this.columns(null);
    const mask = document.createElement('div');
    mask.className = 'hutong-picker-mask';
    const sheet = document.createElement('div');
    sheet.className = 'hutong-picker';
    sheet.innerHTML = '<div class="hutong-picker-bar"><button class="cancel">取消</button><button class="ok">确定</button></div><div class="hutong-picker-cols"></div>';
    const close = () => {
      mask.remove();
      sheet.remove();
      this.sheet = null;
    };
    mask.addEventListener('click', () => {
      close();
      emit(this, 'cancel', {});
    });
    /** @type {HTMLElement} */ (sheet.querySelector('.cancel')).addEventListener('click', () => {
      close();
      emit(this, 'cancel', {});
    });
    /** @type {HTMLElement} */ (sheet.querySelector('.ok')).addEventListener('click', () => {
      const value = this.result();
      close();
      this.chosen = value;
      emit(this, 'change', { value });
    });
    // The sheet lives on the body, above the page, like WeChat's native picker.
    document.body.append(mask, sheet);
    this.sheet = sheet;
    this.draw();
  }

  draw() {
    if (!this.sheet || !this.state) return;
    const box = /** @type {HTMLElement} */ (this.sheet.querySelector('.hutong-picker-cols'));
    box.replaceChildren();
    this.state.cols.forEach((col, c) => {
      const column = document.createElement('div');
      column.className = 'hutong-picker-col';
      col.forEach((text, i) => {
        const row = document.createElement('div');
        row.textContent = text;
        if (this.state?.sel[c] === i) row.className = 'on';
        row.addEventListener('click', () => this.select(c, i));
        column.append(row);
      });
      box.append(column);
      const on = /** @type {HTMLElement | null} */ (column.querySelector('.on'));
      if (on) column.scrollTop = on.offsetTop - 102;
    });
  }

  /** @param {number} column @param {number} index */
  select(column, index) {
    if (!this.state) return;
    const sel = [...this.state.sel];
    sel[column] = index;
    if (this.mode === 'region' && column === 0) sel[1] = 0;
    this.state = this.mode === 'multiSelector' ? { cols: this.state.cols, sel } : this.columns(sel);
    if (this.mode === 'multiSelector') emit(this, 'columnchange', { column, value: index });
    this.draw();
  }

  result() {
    const state = /** @type {{cols: string[][], sel: number[]}} */ (this.state);
    const { sel, cols } = state;
    switch (this.mode) {
      case 'multiSelector':
        return sel;
      case 'time':
        return `${cols[0][sel[0]]}:${cols[1][sel[1]]}`;
      case 'date': {
        const parts = sel.map((s, i) => parseInt(cols[i][s], 10));
        return parts.map((n, i) => (i ? pad(n) : String(n))).join('-');
      }
      case 'region':
        return [cols[0][sel[0]], cols[1][sel[1]], cols[2][sel[2]]];
      default:
        return sel[0];
    }
  }
}
define('wx-picker', Picker);

// -- picker-view ------------------------------------------------------------------------------------------
const ROW = 34;
const VIEW_CSS = `:host { display: flex; position: relative; overflow: hidden; height: 200px; }
.mask { position: absolute; inset: 0; pointer-events: none; z-index: 2;
  background: linear-gradient(180deg, rgba(255,255,255,.95), rgba(255,255,255,.6)) top / 100% calc(50% - ${ROW / 2}px) no-repeat,
  linear-gradient(0deg, rgba(255,255,255,.95), rgba(255,255,255,.6)) bottom / 100% calc(50% - ${ROW / 2}px) no-repeat; }
.line { position: absolute; left: 0; right: 0; top: 50%; height: ${ROW}px; margin-top: -${ROW / 2}px; pointer-events: none;
  border-top: 1px solid #e5e5e5; border-bottom: 1px solid #e5e5e5; z-index: 3; box-sizing: border-box; }
::slotted(wx-picker-view-column) { flex: 1; }`;

class PickerView extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${VIEW_CSS}</style><slot></slot><div class="mask"></div><div class="line"></div>`;
  }

  get columns() {
    return /** @type {any[]} */ (Array.from(this.children).filter((c) => c.localName === 'wx-picker-view-column'));
  }

  connectedCallback() {
    requestAnimationFrame(() => this.applyValue(/** @type {any} */ (this).__props?.value));
  }

  /** @param {string} name @param {any} value */
  hutongPropChanged(name, value) {
    if (name === 'value') requestAnimationFrame(() => this.applyValue(value));
  }

  /** @param {any} value */
  applyValue(value) {
    if (!Array.isArray(value)) return;
    this.columns.forEach((col, i) => col.scrollToIndex(Number(value[i]) || 0));
  }

  hutongValue() {
    return this.columns.map((col) => col.index);
  }

  changed() {
    emit(this, 'change', { value: this.hutongValue() });
  }
}
define('wx-picker-view', PickerView);

class PickerViewColumn extends HTMLElement {
  index = 0;
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>:host { display: block; height: 100%; overflow-y: auto; scroll-snap-type: y mandatory; scrollbar-width: none; }
      .pad { height: calc(50% - ${ROW / 2}px); } ::slotted(*) { height: ${ROW}px; line-height: ${ROW}px; text-align: center;
      scroll-snap-align: center; overflow: hidden; }</style><div class="pad"></div><slot></slot><div class="pad"></div>`;
    let timer = 0;
    this.addEventListener('scroll', () => {
      clearTimeout(timer);
      timer = window.setTimeout(() => {
        const index = Math.round(this.scrollTop / this.rowHeight());
        if (index !== this.index) {
          this.index = index;
          /** @type {any} */ (this.parentElement)?.changed?.();
        }
      }, 120);
    }, { passive: true });
  }

  rowHeight() {
    const first = this.firstElementChild;
    return first ? first.getBoundingClientRect().height || ROW : ROW;
  }

  /** @param {number} index */
  scrollToIndex(index) {
    this.index = index;
    this.scrollTop = index * this.rowHeight();
  }
}
define('wx-picker-view-column', PickerViewColumn);
