// @ts-check
/**
 * The host's bottom sheets: payment, and later consent, coupon claim, subscription, share and contact.
 * A sheet is an element of the host page over the app's surface (host/api/ui.js `overlay()`), outside
 * every frame: a mini program can neither read it, draw over it, nor answer it. One sheet per app at a
 * time: while one shows, another request is refused at once (never queued, never swapped in under the
 * user's finger), so an app asking in a loop gets one sheet and a stream of refusals.
 */
import { el, overlay } from './api/ui.js';

/** @typedef {{surface: HTMLElement, runtimeBase: string}} Host */

/**
 * What a sheet's content can do: close it with a value, show a message, mark it busy.
 * @template T
 * @typedef {{layer: HTMLElement, body: HTMLElement, close: (value: T) => void, onClose: (fn: () => void) => void, message: (text: string, kind?: 'error' | 'info') => void, busy: (on: boolean) => void}} Sheet
 */

/** Thrown when an app asks for a sheet while one is showing. */
export class SheetBusy extends Error {
  constructor() {
    super('another sheet is showing');
  }
}

/** @type {WeakMap<Host, (value: any) => void>} the sheet each app shows, by its close function */
const showing = new WeakMap();

/** Whether a sheet is showing over this app. @param {Host} mp */
export function sheetShowing(mp) {
  return showing.has(mp);
}

/**
 * Show a sheet; resolves with the value it is closed with (`cancel` when the user dismisses it with ×,
 * the mask or Escape).
 * @template T
 * @param {Host} mp
 * @param {{name: string, title: string, cancel: T, build: (sheet: Sheet<T>) => void | Promise<void>}} spec
 * @returns {Promise<T>}
 */
export function showSheet(mp, spec) {
  if (showing.has(mp)) return Promise.reject(new SheetBusy());
  return new Promise((resolve) => {
    const layer = overlay(mp, `hutong-sheet-layer hutong-host-sheet-layer hutong-${spec.name}-layer`);
    let done = false;
    /** @type {(() => void)[]} */
    const cleanups = [];
    /** @param {T} value */
    const close = (value) => {
      if (done) return;
      done = true;
      for (const cleanup of cleanups) cleanup();
      showing.delete(mp);
      document.removeEventListener('keydown', onKey, true);
      layer.remove();
      resolve(value);
    };
    showing.set(mp, close);
    /** @param {KeyboardEvent} event */
    const onKey = (event) => {
      if (event.key === 'Escape' && !panel.classList.contains('hutong-host-sheet-busy')) close(spec.cancel);
    };
    document.addEventListener('keydown', onKey, true);
    const notice = el('div', { className: 'hutong-host-sheet-message', role: 'status', 'aria-live': 'polite' });
    const body = el('div', { className: 'hutong-host-sheet-body' });
    const dismiss = el('button', { type: 'button', className: 'hutong-host-sheet-close', 'aria-label': 'Close', onclick: () => close(spec.cancel) }, ['×']);
    const panel = el('div', { className: `hutong-host-sheet hutong-${spec.name}`, role: 'dialog', 'aria-modal': 'true', 'aria-label': spec.title }, [
      el('div', { className: 'hutong-host-sheet-head' }, [dismiss, el('div', { className: 'hutong-host-sheet-title' }, [spec.title])]),
      notice,
      body,
    ]);
    layer.addEventListener('click', (event) => {
      if (event.target === layer && !panel.classList.contains('hutong-host-sheet-busy')) close(spec.cancel);
    });
    layer.appendChild(panel);
    /** @type {Sheet<T>} */
    const sheet = {
      layer,
      body,
      close,
      onClose(fn) {
        cleanups.push(fn);
      },
      message(text, kind = 'info') {
        notice.textContent = text;
        notice.className = `hutong-host-sheet-message hutong-host-sheet-${kind}`;
      },
      busy(on) {
        panel.classList.toggle('hutong-host-sheet-busy', on);
        dismiss.toggleAttribute('disabled', on);
      },
    };
    Promise.resolve(spec.build(sheet)).catch((error) => {
      sheet.message(String(error?.message || error), 'error');
    });
  });
}

/**
 * A six-digit PIN pad drawn by the host: dots and a keypad of buttons (no text field a page could
 * read; keyboard digits work too). Calls `entered` with the six digits, then clears itself.
 * @param {(pin: string) => void} entered
 * @returns {{node: HTMLElement, clear: () => void, detach: () => void}}
 */
export function pinPad(entered) {
  let digits = '';
  const dots = Array.from({ length: 6 }, () => el('span', { className: 'hutong-pin-dot' }));
  const draw = () => dots.forEach((dot, i) => dot.classList.toggle('hutong-pin-filled', i < digits.length));
  /** @param {string} key */
  const press = (key) => {
    if (key === 'del') digits = digits.slice(0, -1);
    else if (/^\d$/.test(key) && digits.length < 6) digits += key;
    draw();
    if (digits.length === 6) {
      const pin = digits;
      digits = '';
      setTimeout(draw, 150);
      entered(pin);
    }
  };
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', 'del'].map((key) =>
    key
      ? el('button', { type: 'button', className: `hutong-pin-key${key === 'del' ? ' hutong-pin-del' : ''}`, 'data-key': key, 'aria-label': key === 'del' ? 'Delete' : key, onclick: () => press(key) }, [key === 'del' ? '⌫' : key])
      : el('span'),
  );
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (/^\d$/.test(event.key)) press(event.key);
    else if (event.key === 'Backspace') press('del');
  };
  document.addEventListener('keydown', onKey);
  const node = el('div', { className: 'hutong-pin' }, [el('div', { className: 'hutong-pin-dots', 'aria-label': 'Payment PIN' }, dots), el('div', { className: 'hutong-pin-keys' }, keys)]);
  return {
    node,
    clear() {
      digits = '';
      draw();
    },
    detach() {
      document.removeEventListener('keydown', onKey);
    },
  };
}
