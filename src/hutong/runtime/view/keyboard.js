// @ts-check
/**
 * The soft keyboard while an `<input>` or `<textarea>` has focus: its height, for the field's
 * `bindkeyboardheightchange` and for `wx.onKeyboardHeightChange` in the logic thread, and WeChat's
 * `adjust-position`, `cursor-spacing` and `hold-keyboard`.
 *
 * A web page is not told about the keyboard directly. `navigator.virtualKeyboard` gives its rectangle
 * where the browser has it (and reports one); otherwise the keyboard is what the visual viewport lost
 * since the field took focus (the shell asks for `interactive-widget=resizes-content`, so a keyboard
 * shrinks the page frame too). The height falls to 0 when the viewport grows back or the field lets go.
 */
import { emit } from './events.js';
import { flag, num } from './components/base.js';

/** Viewport changes smaller than this are browser toolbars showing and hiding, not a keyboard. */
const MIN_KEYBOARD = 100;

/** @type {HTMLElement | null} the field with focus */
let field = null;
/** The visible height without the keyboard, in CSS pixels at scale 1. */
let baseline = 0;
/** The height last reported. */
let height = 0;
/** @type {((message: Record<string, any>) => void) | null} */
let toLogic = null;

/** Where keyboard changes go besides the field (the logic thread). @param {(message: Record<string, any>) => void} send */
export function setKeyboardSender(send) {
  toLogic = send;
}

/** The keyboard's height now (0 when none is up). */
export function keyboardHeight() {
  return height;
}

function visibleHeight() {
  const viewport = window.visualViewport;
  return viewport ? viewport.height * viewport.scale : window.innerHeight;
}

/** @param {number} value */
function report(value) {
  if (value === height) return;
  height = value;
  // Browsers do not say how long the keyboard's animation takes.
  const detail = { height: value, duration: 0 };
  if (field) emit(field, 'keyboardheightchange', detail);
  toLogic?.({ t: 'keyboard', ...detail });
  if (value > 0) adjust();
}

function measure() {
  if (!field) return;
  if (!field.isConnected) {
    // The field left the page while focused (no blur fires then): the keyboard goes with it.
    report(0);
    field = null;
    return;
  }
  const now = visibleHeight();
  if (now > baseline) baseline = now;
  const keyboard = /** @type {any} */ (navigator).virtualKeyboard;
  const overlay = Math.round(keyboard?.boundingRect?.height || 0);
  const lost = Math.round(baseline - now);
  report(overlay || (lost >= MIN_KEYBOARD ? lost : 0));
}

/**
 * adjust-position (on by default): bring the field above the keyboard, `cursor-spacing` pixels clear of
 * it, scrolling the page or the scroll-view that holds it.
 */
function adjust() {
  if (!field || field.getAttribute('adjust-position') === 'false') return;
  // The margin is ours only for this scroll: the style attribute stays the app's.
  const before = field.style.scrollMarginBottom;
  field.style.scrollMarginBottom = `${Math.max(0, num(field, 'cursor-spacing', 0))}px`;
  field.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  field.style.scrollMarginBottom = before;
  if (!field.getAttribute('style')) field.removeAttribute('style');
}

/** A field took focus. @param {HTMLElement} element */
export function fieldFocused(element) {
  // Focus moving from one field to the next keeps the keyboard (and what it measured) up.
  if (!field && height === 0) baseline = visibleHeight();
  field = element;
  if (height > 0) adjust();
}

/**
 * A field let go. When focus moves straight to another field the keyboard stays up.
 * @param {HTMLElement} element @param {EventTarget | null} next what takes the focus (retargeted)
 */
export function fieldBlurred(element, next) {
  if (field !== element) return;
  if (next instanceof HTMLElement && /^wx-(input|textarea)$/.test(next.localName)) return;
  report(0);
  field = null;
}

/**
 * hold-keyboard: a press elsewhere on the page does not take the focus away (and so the keyboard stays),
 * unless it lands on something that takes focus itself.
 * @param {MouseEvent} event
 */
function hold(event) {
  if (!field || !flag(field, 'hold-keyboard')) return;
  const path = event.composedPath();
  if (path.includes(field)) return;
  const focusable = path.some((node) => node instanceof HTMLElement && (/^(input|textarea|select|button)$/.test(node.localName) || node.isContentEditable));
  if (!focusable) event.preventDefault();
}

window.visualViewport?.addEventListener('resize', measure);
window.addEventListener('resize', measure);
/** @type {any} */ (navigator).virtualKeyboard?.addEventListener('geometrychange', measure);
document.addEventListener('mousedown', hold, true);
