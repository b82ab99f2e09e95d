// @ts-check
/** Interaction: toast, loading, modal and action sheet, drawn by the host over every frame. */
import { ask, assetUrl, el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const ICONS = /** @type {Record<string, string>} */ ({ success: '✓', error: '✕' });

/** One toast or loading at a time, as in WeChat: showing either replaces the other. @type {WeakMap<object, {layer: HTMLElement, timer: any, loading: boolean}>} */
const current = new WeakMap();

/** @param {MiniProgram} mp */
function hideToastLayer(mp) {
  const shown = current.get(mp);
  if (!shown) return null;
  clearTimeout(shown.timer);
  shown.layer.remove();
  current.delete(mp);
  return shown;
}

/** @param {MiniProgram} mp @param {Record<string, any>} args @param {boolean} loading */
function toast(mp, args, loading) {
  hideToastLayer(mp);
  const icon = loading ? 'loading' : String(args.icon ?? 'success');
  const layer = overlay(mp, 'hutong-toast-layer', Boolean(args.mask));
  /** @type {Node[]} */
  const parts = [];
  if (args.image && !loading) parts.push(el('span', { className: 'hutong-toast-icon' }, [el('img', { src: assetUrl(mp, String(args.image)), alt: '' })]));
  else if (icon === 'loading') parts.push(el('span', { className: 'hutong-toast-spinner', role: 'progressbar' }));
  else if (ICONS[icon]) parts.push(el('span', { className: 'hutong-toast-icon' }, [ICONS[icon]]));
  const box = el('div', { className: `hutong-toast${parts.length ? '' : ' text-only'}`, role: 'status' }, [
    ...parts,
    el('span', { className: 'hutong-toast-title' }, [String(args.title ?? '')]),
  ]);
  layer.appendChild(box);
  const duration = loading ? 0 : Number(args.duration ?? 1500);
  const timer = duration > 0 ? setTimeout(() => hideToastLayer(mp), duration) : null;
  current.set(mp, { layer, timer, loading });
  return {};
}

/** @param {string} value @param {number} max @param {string} field */
function checkLength(value, max, field) {
  if ([...value].length > max) throw new Error(`${field} length should not larger than ${max}`);
}

export const interaction = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  showToast: (mp, args) => toast(mp, args, false),
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  showLoading: (mp, args) => toast(mp, args, true),
  /** @param {MiniProgram} mp */
  hideToast: (mp) => {
    const shown = current.get(mp);
    if (shown && !shown.loading) hideToastLayer(mp);
    return {};
  },
  /** @param {MiniProgram} mp */
  hideLoading: (mp) => {
    const shown = current.get(mp);
    if (shown && shown.loading) hideToastLayer(mp);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async showModal(mp, args) {
    const showCancel = args.showCancel !== false;
    const cancelText = String(args.cancelText ?? '取消');
    const confirmText = String(args.confirmText ?? '确定');
    checkLength(cancelText, 4, 'cancelText');
    checkLength(confirmText, 4, 'confirmText');
    /** @type {HTMLInputElement | null} */
    let input = null;
    /** @type {string | Node} */
    let content = String(args.content ?? '');
    if (args.editable) {
      input = /** @type {HTMLInputElement} */ (el('input', { className: 'hutong-modal-input', placeholder: String(args.placeholderText ?? ''), value: String(args.content ?? '') }));
      content = input;
    }
    const buttons = [
      ...(showCancel ? [{ label: cancelText, value: 'cancel', color: args.cancelColor || '#000000' }] : []),
      { label: confirmText, value: 'confirm', color: args.confirmColor || '#576B95' },
    ];
    const pressed = await ask(mp, { title: String(args.title ?? ''), content, buttons, className: 'hutong-modal' });
    const res = { confirm: pressed === 'confirm', cancel: pressed === 'cancel' };
    return args.editable ? { ...res, content: pressed === 'confirm' ? input?.value ?? '' : '' } : res;
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  showActionSheet(mp, args) {
    const items = Array.isArray(args.itemList) ? args.itemList.map(String) : [];
    if (items.length === 0) throw new Error('parameter error: parameter.itemList should have at least 1 item;');
    if (items.length > 6) throw new Error('parameter error: parameter.itemList should not be large than 6');
    return new Promise((resolve, reject) => {
      const layer = overlay(mp, 'hutong-sheet-layer');
      const cancel = () => {
        layer.remove();
        reject(new Error('cancel'));
      };
      layer.addEventListener('click', (event) => event.target === layer && cancel());
      const sheet = el('div', { className: 'hutong-sheet', role: 'menu' }, [
        ...(args.alertText ? [el('div', { className: 'hutong-sheet-alert' }, [String(args.alertText)])] : []),
        ...items.map((label, tapIndex) =>
          el('button', { type: 'button', className: 'hutong-sheet-item', role: 'menuitem', style: { color: args.itemColor || '#000000' }, onclick: () => {
            layer.remove();
            resolve({ tapIndex });
          } }, [label]),
        ),
        el('button', { type: 'button', className: 'hutong-sheet-item hutong-sheet-cancel', onclick: cancel }, ['取消']),
      ]);
      layer.appendChild(sheet);
    });
  },
  enableAlertBeforeUnload: () => ({}),
  disableAlertBeforeUnload: () => ({}),
};
