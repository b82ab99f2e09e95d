// @ts-check
/**
 * `<picker>` (selector, multiSelector, time, date, region): a tap opens WeChat's bottom sheet over a
 * mask, with 取消 and 确定 and a wheel per column (a `<wx-picker-view>` of picker-view.js). change
 * `{value}` comes only from 确定 (an index, an array of indexes, "HH:mm", "YYYY[-MM[-DD]]", or the
 * region's names with their codes); cancel from 取消 or the mask; columnchange `{column, value}` while
 * a multiSelector turns. Columns that depend on others (days of a month, a province's cities, start
 * and end limits) are rebuilt as the wheels turn.
 */
import { emit } from '../events.js';
import { define, flag } from './base.js';
import { PickerView } from './picker-view.js';
import { loadRegions } from './regions.js';

const SHEET_CSS = `.hutong-picker-mask { position: fixed; inset: 0; background: rgba(0,0,0,.6); z-index: 1000; animation: hutong-picker-fade .3s; }
.hutong-picker { position: fixed; left: 0; right: 0; bottom: 0; background: #fff; z-index: 1001; font-size: 17px; color: rgba(0,0,0,.9);
  padding-bottom: env(safe-area-inset-bottom); animation: hutong-picker-up .3s; font-family: -apple-system, "PingFang SC", "Helvetica Neue", sans-serif; }
.hutong-picker-bar { display: flex; justify-content: space-between; align-items: center; height: 56px; padding: 0 16px; position: relative; }
.hutong-picker-bar::after { content: ''; position: absolute; left: 0; right: 0; bottom: 0; height: 1px; background: rgba(0,0,0,.1); transform: scaleY(.5); }
.hutong-picker-bar button { all: unset; cursor: pointer; padding: 8px 4px; font-size: 17px; color: rgba(0,0,0,.9); }
.hutong-picker-bar .ok { color: #07c160; font-weight: 600; }
.hutong-picker-title { position: absolute; left: 80px; right: 80px; text-align: center; font-weight: 600; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.hutong-picker wx-picker-view { height: 238px; margin: 0 16px; }
.hutong-picker-row { white-space: nowrap; text-overflow: ellipsis; padding: 0 4px; font-size: 17px; }
@keyframes hutong-picker-up { from { transform: translateY(100%); } }
@keyframes hutong-picker-fade { from { opacity: 0; } }`;

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

/** How many columns each region `level` shows. sub-district (streets) is not bundled: three columns. */
const LEVELS = /** @type {Record<string, number>} */ ({ province: 1, city: 2, region: 3, 'sub-district': 3 });

/** The region list once a region picker has loaded it (regions.js). @type {import('./regions.js').Division[] | null} */
let regions = null;

/** @typedef {{labels: string[], values: any[]}} Column */

class Picker extends HTMLElement {
  constructor() {
    super();
    this.addEventListener('click', () => {
      if (flag(this, 'disabled') || this.sheet || this.loading) return;
      if (this.mode === 'region' && !regions) {
        // The region list is loaded on first use, not with the frame.
        this.loading = true;
        loadRegions()
          .then((list) => {
            regions = list;
            this.open();
          })
          .finally(() => {
            this.loading = false;
          });
        return;
      }
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
    return this.getAttribute(name);
  }

  loading = false;

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

  /** @param {string} name @param {any} _value */
  hutongPropChanged(name, _value) {
    if (name === 'value') this.chosen = undefined;
    // A multiSelector's range and value may change while its sheet is open (columnchange handlers).
    if (this.sheet && (name === 'range' || name === 'value')) {
      if (name === 'value') this.picked = this.initial();
      this.draw();
    }
  }

  /** @type {HTMLElement | null} */
  sheet = null;
  /** @type {PickerView | null} */
  view = null;
  /** What each column shows now, as values (not indexes) where columns depend on each other. @type {any[]} */
  picked = [];
  /** @type {Column[]} */
  cols = [];
  /** The region codes of what is picked, per column. @type {string[]} */
  codes = [];

  /** The picked values the sheet opens with, from the value. */
  initial() {
    const value = this.hutongValue();
    const today = new Date();
    switch (this.mode) {
      case 'multiSelector':
        return Array.isArray(value) ? value.map(Number) : [];
      case 'time': {
        const [h, m] = String(value || '').split(':').map(Number);
        return Number.isFinite(h) && Number.isFinite(m) ? [h, m] : [today.getHours(), today.getMinutes()];
      }
      case 'date': {
        const parts = String(value || '').split('-').map(Number);
        return [parts[0] || today.getFullYear(), parts[1] || today.getMonth() + 1, parts[2] || today.getDate()];
      }
      case 'region':
        return Array.isArray(value) ? value.slice() : [];
      default:
        return [Number(value) || 0];
    }
  }

  /** Columns for what is picked; `picked` is brought inside the limits. @returns {Column[]} */
  columns() {
    const key = this.getAttribute('range-key');
    const range = this.prop('range');
    const p = this.picked;
    switch (this.mode) {
      case 'multiSelector':
        return (Array.isArray(range) ? range : []).map((/** @type {any} */ col) => {
          const items = Array.isArray(col) ? col : [];
          return { labels: items.map((x) => label(x, key)), values: items.map((_, i) => i) };
        });
      case 'time': {
        const [sh, sm] = String(this.getAttribute('start') || '00:00').split(':').map(Number);
        const [eh, em] = String(this.getAttribute('end') || '23:59').split(':').map(Number);
        const hours = span(sh || 0, Number.isFinite(eh) ? eh : 23);
        p[0] = Math.min(hours[hours.length - 1], Math.max(hours[0], p[0]));
        const minutes = span(p[0] === sh ? sm || 0 : 0, p[0] === eh ? (Number.isFinite(em) ? em : 59) : 59);
        p[1] = Math.min(minutes[minutes.length - 1], Math.max(minutes[0], p[1]));
        return [{ labels: hours.map(pad), values: hours }, { labels: minutes.map(pad), values: minutes }];
      }
      case 'date': {
        const start = String(this.getAttribute('start') || '1900-01-01').split('-').map(Number);
        const end = String(this.getAttribute('end') || '2100-12-31').split('-').map(Number);
        const fields = this.getAttribute('fields') || 'day';
        const years = span(start[0], end[0]);
        p[0] = Math.min(years[years.length - 1], Math.max(years[0], p[0]));
        /** @type {Column[]} */
        const cols = [{ labels: years.map((n) => `${n}年`), values: years }];
        if (fields === 'year') return cols;
        const months = span(p[0] === start[0] ? start[1] || 1 : 1, p[0] === end[0] ? end[1] || 12 : 12);
        p[1] = Math.min(months[months.length - 1], Math.max(months[0], p[1]));
        cols.push({ labels: months.map((n) => `${n}月`), values: months });
        if (fields === 'month') return cols;
        const atStart = p[0] === start[0] && p[1] === start[1];
        const atEnd = p[0] === end[0] && p[1] === end[1];
        const days = span(atStart ? start[2] || 1 : 1, atEnd ? Math.min(end[2] || 31, daysIn(p[0], p[1])) : daysIn(p[0], p[1]));
        p[2] = Math.min(days[days.length - 1], Math.max(days[0], p[2]));
        cols.push({ labels: days.map((n) => `${n}日`), values: days });
        return cols;
      }
      case 'region': {
        // custom-item heads every column; once picked, the columns after it offer only that item.
        const custom = this.getAttribute('custom-item');
        const extra = custom ? [custom] : [];
        const depth = LEVELS[this.getAttribute('level') || 'region'] || 3;
        /** @type {Column[]} */
        const cols = [];
        this.codes = [];
        let list = regions || [];
        for (let c = 0; c < depth; c++) {
          const names = list.map((d) => d.name);
          const labels = [...extra, ...names];
          if (!labels.includes(p[c])) p[c] = names[0] ?? custom ?? '';
          cols.push({ labels, values: labels });
          const picked = list.find((d) => d.name === p[c]);
          this.codes.push(picked ? picked.code : '');
          list = picked ? picked.children : [];
        }
        return cols;
      }
      default: {
        const items = Array.isArray(range) ? range : [];
        return [{ labels: items.map((x) => label(x, key)), values: items.map((_, i) => i) }];
      }
    }
  }

  open() {
    ensureStyle();
    this.picked = this.initial();
    const mask = document.createElement('div');
    mask.className = 'hutong-picker-mask';
    const sheet = document.createElement('div');
    sheet.className = 'hutong-picker';
    sheet.setAttribute('role', 'dialog');
    sheet.innerHTML = '<div class="hutong-picker-bar"><button class="cancel">取消</button><div class="hutong-picker-title"></div><button class="ok">确定</button></div>';
    /** @type {HTMLElement} */ (sheet.querySelector('.hutong-picker-title')).textContent = this.getAttribute('header-text') || '';
    const view = /** @type {PickerView} */ (document.createElement('wx-picker-view'));
    view.listener = { change: (value) => this.turned(value) };
    sheet.append(view);
    const close = () => {
      mask.remove();
      sheet.remove();
      this.sheet = null;
      this.view = null;
    };
    const cancel = () => {
      close();
      emit(this, 'cancel', {});
    };
    mask.addEventListener('click', cancel);
    /** @type {HTMLElement} */ (sheet.querySelector('.cancel')).addEventListener('click', cancel);
    /** @type {HTMLElement} */ (sheet.querySelector('.ok')).addEventListener('click', () => {
      // A wheel still turning counts as the row it is heading for.
      const heading = view.hutongValue();
      if (heading.join() !== this.indexes().join()) this.turned(heading);
      const detail = this.result();
      close();
      this.chosen = detail.value;
      emit(this, 'change', detail);
    });
    // The sheet lives on the body, above the page, like WeChat's native picker.
    document.body.append(mask, sheet);
    this.sheet = sheet;
    this.view = view;
    this.draw();
  }

  /** (Re)build the wheels for `picked`. */
  draw() {
    const view = this.view;
    if (!view) return;
    this.cols = this.columns();
    const columns = /** @type {HTMLElement[]} */ (Array.from(view.children));
    while (columns.length > this.cols.length) /** @type {HTMLElement} */ (columns.pop()).remove();
    while (columns.length < this.cols.length) {
      const column = document.createElement('wx-picker-view-column');
      view.append(column);
      columns.push(column);
    }
    this.cols.forEach((col, c) => {
      const column = columns[c];
      const labels = Array.from(column.children, (row) => row.textContent);
      if (labels.join('\n') !== col.labels.join('\n')) {
        column.replaceChildren(...col.labels.map((text) => {
          const row = document.createElement('div');
          row.className = 'hutong-picker-row';
          row.textContent = text;
          return row;
        }));
      }
    });
    view.setValue(this.indexes());
  }

  /** Each column's index for `picked`. */
  indexes() {
    return this.cols.map((col, c) => Math.max(0, col.values.indexOf(this.picked[c])));
  }

  /** The wheels came to rest on `value` (indexes). @param {number[]} value */
  turned(value) {
    const before = this.indexes();
    value.forEach((index, c) => {
      this.picked[c] = this.cols[c]?.values[index];
    });
    if (this.mode === 'multiSelector') {
      value.forEach((index, c) => {
        if (index !== before[c]) emit(this, 'columnchange', { column: c, value: index });
      });
      return;
    }
    if (this.mode === 'region') {
      // A new province starts at its first city; a new city at its first district.
      const changed = value.findIndex((index, c) => index !== before[c]);
      if (changed >= 0) this.picked.length = changed + 1;
    }
    this.draw();
  }

  /** WeChat's change detail for what is picked. @returns {Record<string, any>} */
  result() {
    const p = this.picked;
    switch (this.mode) {
      case 'multiSelector':
        return { value: this.cols.map((_, c) => Number(p[c]) || 0) };
      case 'time':
        return { value: `${pad(p[0])}:${pad(p[1])}` };
      case 'date':
        return { value: [String(p[0]), ...p.slice(1, this.cols.length).map(pad)].join('-') };
      case 'region': {
        // No postcode: there is no open, complete postcode table to bundle (see registry.js).
        return { value: p.slice(0, this.cols.length), code: this.codes.slice() };
      }
      default:
        return { value: Number(p[0]) || 0 };
    }
  }
}
define('wx-picker', Picker);
