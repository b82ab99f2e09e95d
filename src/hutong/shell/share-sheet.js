// @ts-check
/**
 * The share sheet, drawn by the host (host/sheets.js: outside every frame, so a mini program can
 * neither see whom the user talks to nor tap "Send" itself). It shows what the page offers to share
 * (onShareAppMessage's title, image and path), the user's recent chats and groups to pick, and a
 * link to copy. Only the user's tap on Send posts cards, through the platform's host-only endpoint.
 * Without an imageUrl the card shows the top 5:4 of the page, as WeChat's does: the page's frame
 * draws it (view/snapshot.js) into a place the card keeps for it from the start (an empty box if the
 * frame gives none), and it is uploaded as a blob only when the user sends or copies.
 */
import { showSheet } from '../host/sheets.js';
import { shareMenuOf } from '../host/api/share.js';
import { el } from '../host/api/ui.js';
import { api, session } from './api.js';

/**
 * @typedef {{appid: string, program: any}} Running
 * @typedef {{route: string, query: Record<string, string>, title: string, imageUrl: string, pageId?: number}} Shared
 */

/** The card's image: the app's own file by its address, or a network image; else none (the icon is used). @param {any} program @param {string} url */
function imageOf(program, url) {
  if (!url) return '';
  if (/^https?:\/\//.test(url)) return url;
  const asset = program.assetUrls?.[url.replace(/^\//, '')];
  return asset ? new URL(asset, location.href).href : '';
}

/**
 * Show the sheet for what the page wants to share.
 * @param {Running} current @param {Shared} shared @param {(appid: string, route: string, query: Record<string, string>) => string} linkTo
 * @returns {Promise<string>} 'sent', 'copied' or 'cancel'
 */
export function showShareSheet(current, shared, linkTo) {
  const program = current.program;
  const withShareTicket = Boolean(shareMenuOf(program).withShareTicket);
  const title = shared.title || program.appName || current.appid;
  const image = imageOf(program, shared.imageUrl);
  /** @type {Promise<Blob | null>} the page's picture, asked for at once (the sheet need not wait for it) */
  const picture = image || !program.snapshot ? Promise.resolve(null) : program.snapshot(shared.pageId).then((png) => (png ? new Blob([png], { type: 'image/png' }) : null));
  /** @type {Promise<string> | null} */
  let uploaded = null;
  /** The card's image address: the page's own, or its picture stored on the platform (once). */
  const imageUrl = () =>
    (uploaded ??= picture.then(async (blob) => {
      if (image || !blob || !session.user) return image;
      const made = await api('/api/me/shares/images', { method: 'POST', body: blob, headers: { 'Content-Type': 'image/png' } }).catch(() => null);
      return made?.image_url || '';
    }));
  return showSheet(program, {
    name: 'share',
    title: 'Send to',
    cancel: 'cancel',
    async build(sheet) {
      // The page's picture, when it is to be drawn, gets its place in the card at once: arriving later
      // it fills that place, and nothing in the sheet moves under the user's finger (a sheet that grew
      // as it arrived moved Close, so a tap on Close landed on the card).
      const slot = !image && program.snapshot ? el('div', { className: 'hutong-share-image hutong-share-slot' }) : null;
      const card = el('div', { className: 'hutong-share-card' }, [
        ...(image ? [el('img', { src: image, alt: '', className: 'hutong-share-image' })] : []),
        ...(slot ? [slot] : []),
        el('div', { className: 'hutong-share-title' }, [title]),
        el('div', { className: 'hutong-share-app' }, [program.appName || current.appid]),
      ]);
      const list = el('ul', { className: 'hutong-share-chats', 'aria-label': 'Recent chats' });
      const send = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', className: 'hutong-share-send', disabled: true }, ['Send']));
      const copy = el('button', { type: 'button', className: 'hutong-share-copy' }, ['Copy link']);
      const field = /** @type {HTMLInputElement} */ (el('input', { readOnly: true, className: 'hutong-share-link', 'aria-label': 'Link to this page' }));
      field.value = `${linkTo(current.appid, shared.route, shared.query)}#share`;
      sheet.body.append(card, list, field, el('div', { className: 'hutong-share-actions' }, [copy, send]));
      picture.then((blob) => {
        if (blob) slot?.append(el('img', { src: URL.createObjectURL(blob), alt: '', className: 'hutong-share-snapshot' }));
      });
      /** @type {Set<number>} */
      const chosen = new Set();
      const body = async (/** @type {Record<string, any>} */ extra) => ({
        appid: current.appid,
        path: shared.route,
        query: shared.query,
        title,
        image_url: await imageUrl(),
        with_share_ticket: withShareTicket,
        ...extra,
      });
      copy.addEventListener('click', async () => {
        let link = field.value;
        if (session.user) {
          // A link is a share too: its own id, so what it brings is counted.
          const made = await api('/api/me/shares', { method: 'POST', json: await body({ link: true }) }).catch(() => null);
          link = made?.shares?.[0]?.link || link;
        }
        await navigator.clipboard?.writeText(link).catch(() => undefined);
        field.value = link;
        field.select();
        sheet.message('Link copied');
      });
      if (!session.user) {
        list.append(el('li', { className: 'hutong-share-empty' }, ['Sign in to send this to your chats.']));
        return;
      }
      const chats = await api('/api/me/chats').catch(() => []);
      if (!chats.length) list.append(el('li', { className: 'hutong-share-empty' }, ['No chats yet: add friends in Messages.']));
      for (const chat of chats.slice(0, 20)) {
        const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', value: String(chat.id) }));
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(chat.id);
          else chosen.delete(chat.id);
          send.disabled = chosen.size === 0;
        });
        const kind = chat.kind === 'group' ? `Group · ${chat.members.length}` : 'Chat';
        list.append(el('li', {}, [el('label', { className: 'hutong-share-chat', 'data-chat': String(chat.id) }, [box, el('span', {}, [chat.name]), el('small', {}, [kind])])]));
      }
      send.addEventListener('click', async () => {
        sheet.busy(true);
        try {
          await api('/api/me/shares', { method: 'POST', json: await body({ chat_ids: [...chosen] }) });
          sheet.busy(false);
          sheet.close('sent');
        } catch (error) {
          sheet.busy(false);
          sheet.message(error instanceof Error ? error.message : String(error), 'error');
        }
      });
    },
  });
}
