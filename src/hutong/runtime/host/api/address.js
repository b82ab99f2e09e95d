// @ts-check
/**
 * wx.chooseAddress and wx.chooseInvoiceTitle: the host keeps the user's shipping addresses and invoice
 * titles on the platform (Me → Addresses, Me → Invoice titles in the shell; server/addresses/), asks
 * for scope.address / scope.invoiceTitle as every scope is asked (consent.js), then shows the list on
 * a host sheet outside every frame. Only the row the user taps reaches the app, in WeChat's field
 * names (the platform builds them: `wechat` on each row); the app never sees the rest of the list.
 */
import { SheetBusy, showSheet } from '../sheets.js';
import { account } from './consent-store.js';
import { requireScope } from './consent.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */
/** @typedef {{id: number, wechat: Record<string, string>}} Row */

/** The user's rows of one kind, or a fail reason for the app. @param {string} path @returns {Promise<Row[]>} */
async function rows(path) {
  const user = await account();
  if (!user) throw new Error('not signed in: sign in to Hutong to use your addresses and invoice titles');
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error(`the list could not be read (${response.status})`);
  return response.json();
}

/**
 * A sheet listing `items`: resolves with the one the user taps, or 'cancel'.
 * @param {MiniProgram} mp @param {{name: string, title: string, empty: string, items: Row[], label: (row: Row) => (Node | string)[]}} spec
 * @returns {Promise<Row | 'cancel'>}
 */
async function choose(mp, spec) {
  try {
    return await showSheet(mp, {
      name: spec.name,
      title: spec.title,
      cancel: /** @type {Row | 'cancel'} */ ('cancel'),
      build(sheet) {
        if (!spec.items.length) {
          sheet.body.append(el('p', { className: 'hutong-choose-empty' }, [spec.empty]));
          return;
        }
        const list = el('ul', { className: 'hutong-choose-list', role: 'listbox', 'aria-label': spec.title });
        for (const row of spec.items) {
          const button = el('button', { type: 'button', className: 'hutong-choose-item', role: 'option', onclick: () => sheet.close(row) }, spec.label(row));
          button.dataset.id = String(row.id);
          list.append(el('li', {}, [button]));
        }
        sheet.body.append(list);
      },
    });
  } catch (error) {
    if (error instanceof SheetBusy) throw new Error('another sheet is showing');
    throw error;
  }
}

export const address = {
  /** @param {MiniProgram} mp */
  async chooseAddress(mp) {
    await requireScope(mp, 'scope.address');
    const items = await rows('/api/me/addresses');
    const chosen = await choose(mp, {
      name: 'address',
      title: '选择收货地址',
      empty: '还没有收货地址：在 Hutong 的“我 → 收货地址”中添加。',
      items,
      label: ({ wechat: a }) => [
        el('strong', {}, [`${a.userName} ${a.telNumber}`]),
        el('span', {}, [`${a.provinceName}${a.cityName}${a.countyName}${a.detailInfo}`]),
      ],
    });
    if (chosen === 'cancel') throw new Error('cancel');
    return { ...chosen.wechat };
  },
  /** @param {MiniProgram} mp */
  async chooseInvoiceTitle(mp) {
    await requireScope(mp, 'scope.invoiceTitle');
    const items = await rows('/api/me/invoice-titles');
    const chosen = await choose(mp, {
      name: 'invoice-title',
      title: '选择发票抬头',
      empty: '还没有发票抬头：在 Hutong 的“我 → 发票抬头”中添加。',
      items,
      label: ({ wechat: t }) => [el('strong', {}, [t.title]), el('span', {}, [t.type === '0' ? `单位 ${t.taxNumber}` : '个人'])],
    });
    if (chosen === 'cancel') throw new Error('cancel');
    return { ...chosen.wechat };
  },
};
