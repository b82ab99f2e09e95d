// @ts-check
/**
 * "My data" (Account → My data): which mini programs hold something about the signed-in user on the
 * platform; for each, what it is, a JSON export, deleting it, and clearing the storage and files this
 * host keeps for the app and user (IndexedDB, keyed by app and the manifest's opaque user id).
 */
import { ApiError, api } from './api.js';
import { STORES, write } from '../host/api/idb.js';

/** What each provider's data is, in words (server/privacy/providers.py names them). */
const KINDS = /** @type {Record<string, string>} */ ({
  recent: 'On your recent list',
  pinned: 'In My mini programs',
  launches: 'Times you opened it',
  events: 'Events it reported',
  identity: 'Your ids in it (openid, unionid, login codes)',
  consent: 'What you allowed it',
  support: 'Your customer service messages',
  feedback: 'Feedback you sent',
});

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A line for one kind's data: a count for lists, a date for a record, else "yes". @param {any} value */
function summary(value) {
  if (Array.isArray(value)) return String(value.length);
  if (value && typeof value === 'object') {
    const values = Object.values(value);
    if (values.length === 1 && Array.isArray(values[0])) return String(values[0].length);
    const when = values.find((v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v));
    return when ? new Date(when).toLocaleString() : 'yes';
  }
  return String(value);
}

/**
 * Wire the "My data" sheet.
 * @param {{openSheet: (id: string) => void, forget: (appid: string) => void}} host
 *   `openSheet` shows a sheet of the shell; `forget` closes the app if it is alive (its copy of the
 *   storage would otherwise be written back).
 */
export function initMyData(host) {
  const body = /** @type {HTMLElement} */ (document.getElementById('mydata-body'));
  const title = /** @type {HTMLElement} */ (document.getElementById('mydata-title'));

  /** @param {unknown} error */
  const problem = (error) => el('p', { className: 'error', role: 'alert', textContent: error instanceof ApiError || error instanceof Error ? error.message : String(error) });

  /** The wallet belongs to no mini program: its export (balance, PIN state, transfers, history). */
  const walletExport = () => {
    const link = el('a', { className: 'tool', id: 'mydata-wallet-export', href: '/api/me/wallet/export', textContent: 'Export your wallet (JSON)' });
    link.setAttribute('download', 'hutong-wallet.json');
    // The address book (Me → Addresses, Invoice titles) is the user's own too: its export and delete.
    const book = el('a', { className: 'tool', id: 'mydata-address-book-export', href: '/api/me/address-book/export', textContent: 'Export your addresses and invoice titles (JSON)' });
    book.setAttribute('download', 'hutong-address-book.json');
    const said = el('span', { role: 'status' });
    const wipe = el('button', {
      type: 'button',
      id: 'mydata-address-book-delete',
      className: 'danger',
      textContent: 'Delete all addresses and invoice titles',
      onclick: async () => {
        if (!window.confirm('Delete every address and invoice title you keep on Hutong?')) return;
        try {
          const { deleted } = await api('/api/me/address-book', { method: 'DELETE' });
          said.textContent = `Deleted ${deleted.addresses} addresses and ${deleted.invoice_titles} invoice titles.`;
        } catch (error) {
          said.textContent = error instanceof Error ? error.message : String(error);
        }
      },
    });
    return el('div', {}, [el('p', {}, [link]), el('p', {}, [book]), el('p', {}, [wipe, ' ', said])]);
  };

  async function showList() {
    host.openSheet('mydata-sheet');
    title.textContent = 'My data';
    body.replaceChildren(el('p', { textContent: 'Loading…' }));
    /** @type {{appid: string, name: string, kinds: string[]}[]} */
    let holdings;
    try {
      holdings = await api('/api/me/data');
    } catch (error) {
      body.replaceChildren(problem(error));
      return;
    }
    if (!holdings.length) {
      body.replaceChildren(el('p', { className: 'empty', textContent: 'No mini program holds data about you on Hutong.' }), walletExport());
      return;
    }
    const list = el('ul', { className: 'mydata-list' });
    list.setAttribute('aria-label', 'Mini programs holding your data');
    for (const holding of holdings) {
      const button = el('button', { type: 'button' }, [
        el('span', { className: 'mydata-name', textContent: holding.name }),
        el('span', { className: 'app-description', textContent: holding.kinds.map((k) => KINDS[k] || k).join(' · ') }),
      ]);
      button.addEventListener('click', () => showApp(holding.appid));
      list.append(el('li', {}, [button]));
    }
    body.replaceChildren(el('p', { textContent: 'What each mini program keeps about you on Hutong.' }), list, walletExport());
  }

  /** @param {string} appid */
  async function showApp(appid) {
    body.replaceChildren(el('p', { textContent: 'Loading…' }));
    /** @type {{appid: string, name: string, local_storage_id: string, data: Record<string, any>}} */
    let doc;
    try {
      doc = await api(`/api/me/data/${encodeURIComponent(appid)}`);
    } catch (error) {
      body.replaceChildren(problem(error));
      return;
    }
    title.textContent = doc.name;
    const status = el('p', { id: 'mydata-status', role: 'status' });
    const kinds = el('dl', { className: 'mydata-kinds' });
    for (const [kind, value] of Object.entries(doc.data)) kinds.append(el('dt', { textContent: KINDS[kind] || kind }), el('dd', { textContent: summary(value) }));
    const nothing = el('p', { className: 'empty', textContent: 'It holds nothing about you on Hutong.' });
    const raw = el('details', {}, [el('summary', { textContent: 'Everything, as JSON' }), el('pre', { className: 'mydata-json', textContent: JSON.stringify(doc.data, null, 2) })]);
    const exportLink = el('a', { className: 'tool', href: `/api/me/data/${encodeURIComponent(appid)}/export`, textContent: 'Export (JSON)' });
    exportLink.setAttribute('download', `hutong-data-${appid}.json`);
    const remove = el('button', { type: 'button', id: 'mydata-delete', textContent: 'Delete my data on Hutong' });
    const confirm = el('button', { type: 'button', id: 'mydata-delete-confirm', className: 'danger', hidden: true, textContent: `Delete everything ${doc.name} holds about you` });
    const clear = el('button', { type: 'button', id: 'mydata-clear', textContent: 'Clear its storage, files and saved pages on this device' });
    const back = el('button', { type: 'button', className: 'link', textContent: 'All mini programs' });
    remove.addEventListener('click', () => {
      confirm.hidden = false;
      status.textContent = 'This cannot be undone.';
    });
    confirm.addEventListener('click', async () => {
      try {
        await api(`/api/me/data/${encodeURIComponent(appid)}`, { method: 'DELETE' });
      } catch (error) {
        status.replaceChildren(problem(error));
        return;
      }
      kinds.replaceChildren();
      raw.remove();
      confirm.hidden = true;
      kinds.after(nothing);
      status.textContent = 'Deleted.';
    });
    clear.addEventListener('click', async () => {
      host.forget(appid);
      try {
        for (const store of STORES) await write(store, appid, doc.local_storage_id, { op: 'clear' });
      } catch (error) {
        status.replaceChildren(problem(error));
        return;
      }
      status.textContent = 'Storage, files and saved pages cleared on this device.';
    });
    back.addEventListener('click', showList);
    const empty = Object.keys(doc.data).length === 0;
    body.replaceChildren(...(empty ? [nothing] : [kinds, raw]), exportLink, remove, confirm, clear, status, back);
  }

  document.getElementById('my-data')?.addEventListener('click', showList);
}
