// @ts-check
/**
 * Form fields: input, textarea, checkbox(-group), radio(-group), switch, slider. Each field answers
 * `hutongValue()` and `hutongReset()` for `<form>`, and reports WeChat's events with WeChat's details.
 */
import { emit } from '../events.js';
import { fieldBlurred, fieldFocused, keyboardHeight } from '../keyboard.js';
import { Builtin, closest, define, flag, num, toHost } from './base.js';

const TEXT_CSS = `:host { display: block; }
.box { position: relative; min-height: 1.4rem; }
input, textarea { all: unset; display: block; width: 100%; box-sizing: border-box; font: inherit; color: inherit;
  text-align: inherit; line-height: inherit; min-height: 1.4rem; overflow-wrap: break-word; white-space: pre-wrap; }
textarea { height: 100%; }
.ph { position: absolute; inset: 0; color: #808080; pointer-events: none; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; }
.ph[hidden] { display: none; }
.accessory { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; }
.accessory[hidden] { display: none; }`;

/** The `<input>` type for WeChat's type/password. @param {Element} el */
function inputType(el) {
  if (flag(el, 'password')) return 'password';
  const type = el.getAttribute('type') || 'text';
  return type === 'safe-password' ? 'password' : 'text';
}

/** @param {Element} el */
function inputMode(el) {
  const type = el.getAttribute('type') || 'text';
  return type === 'number' ? 'numeric' : type === 'digit' ? 'decimal' : 'text';
}

/** WeChat's input filters what the keyboard can type: digits for number, a decimal for digit, an ID card's characters. */
const FILTERS = /** @type {Record<string, RegExp>} */ ({ number: /[^0-9]/g, digit: /[^0-9.]/g, idcard: /[^0-9xX]/g });

class TextField extends Builtin {
  static observed = ['value', 'placeholder', 'placeholder-style', 'placeholder-class', 'maxlength', 'disabled', 'focus',
    'password', 'type', 'auto-focus', 'confirm-type', 'auto-height'];
  /** @type {HTMLInputElement | HTMLTextAreaElement} */
  field;
  /** @type {HTMLElement} */
  ph;
  /** @type {HTMLElement} where a <keyboard-accessory> child shows while the field has focus */
  accessory;
  /** textarea: several lines, Enter makes a new line */
  get multiline() {
    return this.localName === 'wx-textarea';
  }

  constructor() {
    super();
    const tag = this.multiline ? 'textarea' : 'input';
    // A <keyboard-accessory> child is the toolbar over the keyboard: shown at the bottom of the page
    // while the field has focus (where the browser shrinks the page for a keyboard, that is above it).
    const root = this.shadow(TEXT_CSS, `<div class="box" part="box"><div class="ph" part="placeholder"></div><${tag}></${tag}></div>`
      + '<div class="accessory" part="accessory" hidden><slot></slot></div>');
    this.field = /** @type {any} */ (root.querySelector(tag));
    this.ph = /** @type {HTMLElement} */ (root.querySelector('.ph'));
    this.accessory = /** @type {HTMLElement} */ (root.querySelector('.accessory'));
    // Pressing the toolbar keeps the field focused, as a keyboard's toolbar does.
    this.accessory.addEventListener('mousedown', (event) => event.preventDefault());
    this.field.addEventListener('input', () => this.onInput());
    this.field.addEventListener('focus', () => {
      this.accessory.hidden = !this.querySelector(':scope > wx-keyboard-accessory');
      fieldFocused(this);
      emit(this, 'focus', { value: this.field.value, height: keyboardHeight() });
      // type="nickname": the host offers the host account's nickname above the page (profile.js).
      if (this.isNickname) toHost(this, { t: 'nickname', action: 'focus' });
    });
    this.field.addEventListener('blur', (event) => {
      this.accessory.hidden = true;
      fieldBlurred(this, /** @type {FocusEvent} */ (event).relatedTarget);
      emit(this, 'blur', { value: this.field.value, cursor: this.field.selectionStart ?? this.field.value.length });
      if (this.isNickname) {
        toHost(this, { t: 'nickname', action: 'blur' });
        emit(this, 'nicknamereview', { pass: true, timeout: false });
      }
    });
    this.field.addEventListener('keydown', (event) => {
      const key = /** @type {KeyboardEvent} */ (event);
      if (key.key === 'Enter' && (!this.multiline || flag(this, 'confirm-hold'))) {
        emit(this, 'confirm', { value: this.field.value });
        if (!this.multiline && !flag(this, 'confirm-hold')) this.field.blur();
      }
      this.lastKey = key.keyCode;
    });
  }

  lastKey = 0;
  /** @type {string | null} the value attribute last applied */
  applied = null;

  onInput() {
    const type = this.getAttribute('type') || 'text';
    let value = this.field.value;
    if (FILTERS[type]) value = value.replace(FILTERS[type], '');
    const max = num(this, 'maxlength', 140);
    if (max >= 0 && value.length > max) value = value.slice(0, max);
    if (value !== this.field.value) this.field.value = value;
    this.updatePlaceholder();
    if (this.multiline && flag(this, 'auto-height')) this.grow();
    emit(this, 'input', { value, cursor: this.field.selectionStart ?? value.length, keyCode: this.lastKey });
  }

  updatePlaceholder() {
    this.ph.hidden = this.field.value !== '';
  }

  grow() {
    this.field.style.height = 'auto';
    this.style.height = `${this.field.scrollHeight}px`;
    this.field.style.height = '100%';
  }

  render() {
    const value = this.getAttribute('value') ?? '';
    if (value !== this.applied) {
      // Only a changed value attribute replaces what was typed (setData of the same value does not).
      this.applied = value;
      this.field.value = value;
    }
    if (!this.multiline) {
      /** @type {HTMLInputElement} */ (this.field).type = inputType(this);
      this.field.setAttribute('enterkeyhint', this.getAttribute('confirm-type') || (this.multiline ? 'enter' : 'done'));
    }
    this.field.inputMode = inputMode(this);
    this.field.disabled = flag(this, 'disabled');
    const max = num(this, 'maxlength', 140);
    if (max >= 0) this.field.maxLength = max;
    else this.field.removeAttribute('maxlength');
    this.ph.textContent = this.getAttribute('placeholder') || '';
    this.ph.setAttribute('style', this.getAttribute('placeholder-style') || '');
    // placeholder-class names a class of the page's styles: copy its computed look onto the placeholder.
    const phClass = this.getAttribute('placeholder-class');
    if (phClass) this.applyPlaceholderClass(phClass);
    this.updatePlaceholder();
    if ((flag(this, 'focus') || flag(this, 'auto-focus')) && !this.focused) {
      this.focused = true;
      requestAnimationFrame(() => this.field.focus());
    } else if (!flag(this, 'focus') && this.focused && this.hasAttribute('focus')) {
      this.focused = false;
      this.field.blur();
    }
    if (this.multiline && flag(this, 'auto-height')) requestAnimationFrame(() => this.grow());
  }

  focused = false;

  /** @param {string} names */
  applyPlaceholderClass(names) {
    const probe = document.createElement('span');
    probe.className = names;
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    this.append(probe);
    const style = getComputedStyle(probe);
    this.ph.style.color = style.color;
    this.ph.style.fontSize = style.fontSize;
    this.ph.style.fontWeight = style.fontWeight;
    probe.remove();
  }

  hutongValue() {
    return this.field.value;
  }

  get isNickname() {
    return !this.multiline && this.getAttribute('type') === 'nickname';
  }

  /** The user took the host's nickname suggestion: as if typed, then reviewed (WeChat's order). @param {string} value */
  takeNickname(value) {
    const max = num(this, 'maxlength', 140);
    const text = max >= 0 ? value.slice(0, max) : value;
    this.field.value = text;
    this.updatePlaceholder();
    emit(this, 'input', { value: text, cursor: text.length, keyCode: 0 });
    emit(this, 'change', { value: text });
    emit(this, 'blur', { value: text, cursor: text.length });
    emit(this, 'nicknamereview', { pass: true, timeout: false });
  }

  /**
   * A bindinput handler returned the value to show (logic/worker.js); or the host filled in a nickname.
   * @param {string} method @param {any[]} args
   */
  hutongCall(method, args) {
    if (method === 'nickname' && this.isNickname) this.takeNickname(String(args[0] ?? ''));
    if (method !== 'setValue') return;
    const value = String(args[0]);
    const old = this.field.value;
    // The answer to an older keystroke is stale once more has been typed: the next answer will come.
    if (value === old || (args[1] !== undefined && String(args[1]) !== old)) return;
    const at = this.field.selectionStart ?? old.length;
    const cursor = Math.max(0, Math.min(value.length, at + value.length - old.length));
    this.field.value = value;
    if (document.activeElement === this) this.field.setSelectionRange(cursor, cursor);
    this.updatePlaceholder();
  }

  hutongReset() {
    this.field.value = '';
    this.applied = null;
    this.updatePlaceholder();
  }

  hutongActivate() {
    this.field.focus();
  }
}

class Input extends TextField {}

/** The toolbar an input or textarea shows over the keyboard while focused (TextField places it). */
class KeyboardAccessory extends Builtin {
  constructor() {
    super();
    this.shadow(':host { display: block; overflow: hidden; }', '<slot></slot>');
  }
}
define('wx-keyboard-accessory', KeyboardAccessory);
class Textarea extends TextField {}
define('wx-input', Input);
define('wx-textarea', Textarea);

// -- checkbox and radio ---------------------------------------------------------------------------------
// The inside is WeChat's: a wrapper, then `.wx-checkbox-input` (or radio, switch) with `-checked` and
// `-disabled` classes and the tick as its ::before glyph. Public apps restyle exactly these names
// (`checkbox .wx-checkbox-input.wx-checkbox-input-checked::before { ... }`); the compiler turns such
// selectors into ::part() rules, so each inner element is also a part with the same names.
const CHECK_CSS = `:host { display: inline-block; cursor: pointer; }
:host([disabled]:not([disabled="false"])) { cursor: default; }
.wrapper { display: inline-flex; align-items: center; vertical-align: middle; }
.wx-checkbox-input, .wx-radio-input { position: relative; width: 22px; height: 22px; margin-right: 5px;
  border: 1px solid #d1d1d1; background-color: #fff; border-radius: 3px; outline: 0; flex: none;
  font-family: "DejaVu Sans", "Segoe UI Symbol", sans-serif; }
.wx-radio-input { border-radius: 50%; }
.wx-checkbox-input-checked { color: var(--hutong-check-color, #09bb07); }
.wx-radio-input-checked { background-color: var(--hutong-check-color, #09bb07); border-color: var(--hutong-check-color, #09bb07); }
.wx-checkbox-input-checked::before, .wx-radio-input-checked::before { content: "\\2713"; position: absolute; top: 50%; left: 50%;
  font-size: 18px; line-height: 1; transform: translate(-50%, -48%); }
.wx-radio-input-checked::before { color: #fff; font-size: 15px; }
.wx-checkbox-input-disabled, .wx-radio-input-disabled { background-color: #e1e1e1; }
.wx-checkbox-input-disabled::before { color: #adadad; }`;

/** The inner element's class and part names for its state. @param {Element} el @param {string} kind @param {boolean} checked @param {boolean} disabled */
function stateNames(el, kind, checked, disabled) {
  const names = [`wx-${kind}-input`];
  if (checked) names.push(`wx-${kind}-input-checked`);
  if (disabled) names.push(`wx-${kind}-input-disabled`);
  el.className = names.join(' ');
  el.setAttribute('part', names.join(' '));
}

class Check extends Builtin {
  static observed = ['checked', 'disabled', 'color', 'value'];
  /** @type {boolean | null} */
  applied = null;

  /** What the inner element is drawn as: checkbox, radio or switch. */
  get kind() {
    return 'checkbox';
  }

  constructor() {
    super();
    this.shadow(CHECK_CSS, `<span class="wrapper"><span data-input></span><slot></slot></span>`);
    this.addEventListener('click', () => this.hutongActivate());
  }

  /** The element drawn for the state (the switch's depends on its type). */
  input() {
    return /** @type {HTMLElement} */ (this.shadowRoot?.querySelector('[data-input]'));
  }

  get checked() {
    return this.hasAttribute('hutong-checked');
  }

  /** @param {boolean} on */
  set checked(on) {
    this.toggleAttribute('hutong-checked', on);
    this.paint();
  }

  paint() {
    stateNames(this.input(), this.kind, this.checked, flag(this, 'disabled'));
  }

  render() {
    const checked = flag(this, 'checked');
    if (checked !== this.applied) {
      this.applied = checked;
      this.checked = checked;
    }
    this.paint();
    const color = this.getAttribute('color');
    if (color) this.style.setProperty('--hutong-check-color', color);
  }

  hutongActivate() {
    if (flag(this, 'disabled')) return;
    const group = closest(this, `wx-${this.kind}-group`);
    if (this.kind === 'radio') {
      if (this.checked) return;
      if (group) for (const other of group.querySelectorAll('wx-radio')) /** @type {any} */ (other).checked = false;
      this.checked = true;
    } else {
      this.checked = !this.checked;
    }
    if (group) group.changed();
  }
}

class Checkbox extends Check {}
class Radio extends Check {
  get kind() {
    return 'radio';
  }
}
define('wx-checkbox', Checkbox);
define('wx-radio', Radio);

class CheckboxGroup extends HTMLElement {
  /** @returns {any} */
  hutongValue() {
    const checked = Array.from(this.querySelectorAll('wx-checkbox')).filter((c) => /** @type {any} */ (c).checked);
    return checked.map((c) => c.getAttribute('value') ?? '');
  }

  changed() {
    emit(this, 'change', { value: this.hutongValue() });
  }

  hutongReset() {
    for (const c of this.querySelectorAll('wx-checkbox')) /** @type {any} */ (c).checked = false;
  }
}

class RadioGroup extends CheckboxGroup {
  /** @returns {any} */
  hutongValue() {
    const checked = Array.from(this.querySelectorAll('wx-radio')).find((c) => /** @type {any} */ (c).checked);
    return checked ? checked.getAttribute('value') ?? '' : '';
  }

  hutongReset() {
    for (const c of this.querySelectorAll('wx-radio')) /** @type {any} */ (c).checked = false;
  }
}
define('wx-checkbox-group', CheckboxGroup);
define('wx-radio-group', RadioGroup);

// -- switch ---------------------------------------------------------------------------------------------
// WeChat's `.wx-switch-input`: the track, its ::before (the light inner face) and ::after (the thumb).
const SWITCH_CSS = `:host { display: inline-block; cursor: pointer; vertical-align: middle; }
.wx-switch-input { position: relative; width: 52px; height: 32px; margin-right: 5px; border-radius: 16px;
  border: 1px solid #dfdfdf; background-color: #dfdfdf; box-sizing: border-box; outline: 0; flex: none;
  transition: background-color .1s, border .1s; }
.wx-switch-input::before { content: " "; position: absolute; top: 0; left: 0; width: 50px; height: 30px; border-radius: 15px;
  background-color: #fdfdfd; transition: transform .3s; }
.wx-switch-input::after { content: " "; position: absolute; top: 0; left: 0; width: 30px; height: 30px; border-radius: 15px;
  background-color: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.4); transition: transform .3s; }
.wx-switch-input-checked { background-color: var(--hutong-switch-color, #04be02); border-color: var(--hutong-switch-color, #04be02); }
.wx-switch-input-checked::before { transform: scale(0); }
.wx-switch-input-checked::after { transform: translateX(20px); }
:host([disabled]:not([disabled="false"])) { opacity: .7; cursor: default; }`;

class Switch extends Check {
  static observed = ['checked', 'disabled', 'color', 'type'];
  constructor() {
    super();
    /** @type {ShadowRoot} */ (this.shadowRoot).innerHTML = `<style>${CHECK_CSS}${SWITCH_CSS}</style>
      <span class="wrapper"><span data-input></span><slot></slot></span>`;
  }

  /** type="checkbox" draws WeChat's checkbox square instead of the track. */
  get kind() {
    return this.getAttribute('type') === 'checkbox' ? 'checkbox' : 'switch';
  }

  render() {
    super.render();
    const color = this.getAttribute('color');
    if (color) this.style.setProperty('--hutong-switch-color', color);
  }

  hutongActivate() {
    if (flag(this, 'disabled')) return;
    this.checked = !this.checked;
    emit(this, 'change', { value: this.checked });
  }

  hutongValue() {
    return this.checked;
  }

  hutongReset() {
    this.checked = false;
  }
}
define('wx-switch', Switch);

// -- slider ---------------------------------------------------------------------------------------------
const SLIDER_CSS = `:host { display: block; margin: 10px 18px; padding: 0; }
.wrap { display: flex; align-items: center; min-height: 16px; }
.tap { flex: 1; padding: 8px 0; cursor: pointer; touch-action: none; }
.track { position: relative; height: 2px; border-radius: 5px; background: var(--bg, #e9e9e9); }
.fill { position: absolute; left: 0; top: 0; height: 100%; background: var(--fg, #1aad19); border-radius: 5px; }
.thumb { position: absolute; top: 50%; width: var(--size, 28px); height: var(--size, 28px); margin: calc(var(--size, 28px) / -2);
  border-radius: 50%; background: var(--thumb, #fff); box-shadow: 0 0 4px rgba(0,0,0,.2); }
.value { width: 3ch; margin-left: 14px; color: #888; font-size: 14px; text-align: left; }
.value[hidden] { display: none; }
:host([disabled]) .tap { cursor: default; }`;

class Slider extends Builtin {
  static observed = ['min', 'max', 'step', 'value', 'show-value', 'disabled', 'activecolor', 'active-color',
    'backgroundcolor', 'background-color', 'block-size', 'block-color', 'selected-color', 'color'];
  current = 0;
  /** @type {string | null} */
  applied = null;

  constructor() {
    super();
    const root = this.shadow(SLIDER_CSS, `<div class="wrap"><div class="tap"><div class="track"><div class="fill"></div>
      <div class="thumb" role="slider" tabindex="0"></div></div></div><span class="value"></span></div>`);
    const tap = /** @type {HTMLElement} */ (root.querySelector('.tap'));
    tap.addEventListener('pointerdown', (event) => {
      if (flag(this, 'disabled')) return;
      tap.setPointerCapture(event.pointerId);
      this.dragging = true;
      this.moveTo(event.clientX, tap, true);
    });
    tap.addEventListener('pointermove', (event) => {
      if (this.dragging) this.moveTo(event.clientX, tap, true);
    });
    const end = () => {
      if (!this.dragging) return;
      this.dragging = false;
      emit(this, 'change', { value: this.current });
    };
    tap.addEventListener('pointerup', end);
    tap.addEventListener('pointercancel', end);
  }

  dragging = false;

  /** @param {number} x @param {HTMLElement} tap @param {boolean} changing */
  moveTo(x, tap, changing) {
    const rect = tap.getBoundingClientRect();
    const min = num(this, 'min', 0);
    const max = num(this, 'max', 100);
    const step = num(this, 'step', 1) || 1;
    const ratio = Math.min(1, Math.max(0, (x - rect.left) / rect.width));
    const value = Math.min(max, min + Math.round((ratio * (max - min)) / step) * step);
    if (value !== this.current) {
      this.current = value;
      this.draw();
      if (changing) emit(this, 'changing', { value });
    }
  }

  draw() {
    const min = num(this, 'min', 0);
    const max = num(this, 'max', 100);
    const pct = max > min ? ((this.current - min) / (max - min)) * 100 : 0;
    const root = /** @type {ShadowRoot} */ (this.shadowRoot);
    /** @type {HTMLElement} */ (root.querySelector('.fill')).style.width = `${pct}%`;
    /** @type {HTMLElement} */ (root.querySelector('.thumb')).style.left = `${pct}%`;
    const label = /** @type {HTMLElement} */ (root.querySelector('.value'));
    label.textContent = String(this.current);
    label.hidden = !flag(this, 'show-value');
  }

  render() {
    const value = this.getAttribute('value');
    if (value !== this.applied) {
      this.applied = value;
      this.current = Math.min(num(this, 'max', 100), Math.max(num(this, 'min', 0), num(this, 'value', 0)));
    }
    const set = (/** @type {string} */ name, /** @type {string | null} */ v) => v && this.style.setProperty(name, v);
    set('--fg', this.getAttribute('activeColor') || this.getAttribute('active-color') || this.getAttribute('selected-color'));
    set('--bg', this.getAttribute('backgroundColor') || this.getAttribute('background-color') || this.getAttribute('color'));
    set('--thumb', this.getAttribute('block-color'));
    const size = this.getAttribute('block-size');
    if (size) this.style.setProperty('--size', `${Math.min(28, Math.max(12, Number(size)))}px`);
    this.draw();
  }

  hutongValue() {
    return this.current;
  }

  hutongReset() {
    this.current = num(this, 'min', 0);
    this.draw();
  }
}
define('wx-slider', Slider);
