// @ts-check
/** Host-drawn overlays shared by the API families: a layer over the running mini program, its styles. */

/** @param {string} runtimeBase */
export function ensureStyles(runtimeBase) {
  if (document.querySelector('link[data-hutong-api-ui]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = `${runtimeBase}host/api/ui.css`;
  link.dataset.hutongApiUi = '';
  document.head.appendChild(link);
}

/**
 * A full-surface layer (modal dialogs, sheets, previews) that no frame can reach or draw over.
 * @param {{surface: HTMLElement, runtimeBase: string}} mp @param {string} className @param {boolean} [mask]
 */
export function overlay(mp, className, mask = true) {
  ensureStyles(mp.runtimeBase);
  const layer = document.createElement('div');
  layer.className = `hutong-overlay ${className}${mask ? ' hutong-mask' : ''}`;
  mp.surface.appendChild(layer);
  return layer;
}

/**
 * @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children]
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key in node) /** @type {any} */ (node)[key] = value;
    else node.setAttribute(key, String(value));
  }
  node.append(...children);
  return node;
}

/** @type {WeakMap<object, (value: string) => void>} the dialog each app shows, by its answer function */
const openDialogs = new WeakMap();

/**
 * A question the user answers in a host dialog: resolves with the button pressed.
 * @param {{surface: HTMLElement, runtimeBase: string}} mp
 * @param {{title?: string, content?: string | Node, buttons: {label: string, value: string, color?: string}[], className?: string}} spec
 * @returns {Promise<string>}
 */
export function ask(mp, spec) {
  // One dialog at a time per app, as on a phone: a new one takes the place of the one showing, which
  // answers as cancelled. An app asking in a loop leaves the user one dialog to answer, not thousands.
  openDialogs.get(mp)?.('cancel');
  return new Promise((resolve) => {
    const layer = overlay(mp, `hutong-dialog-layer ${spec.className || ''}`);
    /** @param {string} value */
    const answer = (value) => {
      if (openDialogs.get(mp) === answer) openDialogs.delete(mp);
      layer.remove();
      resolve(value);
    };
    openDialogs.set(mp, answer);
    const buttons = spec.buttons.map((button) =>
      el('button', { type: 'button', className: `hutong-dialog-button hutong-dialog-${button.value}`, style: button.color ? { color: button.color } : {}, onclick: () => answer(button.value) }, [button.label]),
    );
    const box = el('div', { className: 'hutong-dialog', role: 'dialog' }, [
      ...(spec.title ? [el('div', { className: 'hutong-dialog-title' }, [spec.title])] : []),
      ...(spec.content ? [el('div', { className: 'hutong-dialog-content' }, [spec.content])] : []),
      el('div', { className: 'hutong-dialog-buttons' }, buttons),
    ]);
    layer.appendChild(box);
  });
}

/**
 * The URL of an image or sound an app names: its own package files are served by content hash
 * (`config.assets`: path → sha256 → /blobs/…); network URLs stay as they are.
 * @param {{config: Record<string, any>}} mp @param {string} src
 */
export function assetUrl(mp, src) {
  if (/^(https?|data|blob):/.test(src)) return src;
  const path = src.replace(/^\.?\//, '');
  const asset = mp.config.assets?.[path];
  return asset?.sha256 ? `/blobs/${asset.sha256}` : src;
}
