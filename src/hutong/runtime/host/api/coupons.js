// @ts-check
/**
 * Coupons, the host's side: the send-coupon plugin's claim sheet, and `wx.addCard` / `wx.openCard`.
 *
 * A page's `<send-coupon>` (view/components/plugins.js) reports a tap and the merchant's signed
 * parameters. The host sends them with the appid it launched (never one the page names) to the
 * platform, which checks the sign against the merchant's key; the host then draws the claim sheet
 * (host/sheets.js, outside every frame), claims only on the user's tap on *Claim* there, tells the page
 * `sendcoupon` with WeChat's `send_coupon_result`, and `userconfirm` when the user taps the confirm
 * button. Dismissing the sheet claims nothing and tells the page `sendcoupon` with every coupon
 * `FAILED` (message: the user closed it).
 *
 * `wx.addCard` draws the same kind of sheet for cards (a card is a stock, its cardExt signed by the
 * app's server with the app's wx_card ticket, checked by the platform); *Add* claims. `wx.openCard`
 * shows the user's own coupon (code, QR) on a host sheet, only one this app gave the user.
 */
import { SheetBusy, showSheet } from '../sheets.js';
import { signedIn } from './login.js';
import { post } from './payment.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {number} fen */
const yuan = (fen) => `¥${(fen / 100).toFixed(fen % 100 ? 2 : 0)}`;

/** What a coupon is worth, from WeChat's coupon_use_rule. @param {Record<string, any>} rule */
export function worth(rule) {
  const min = (/** @type {number} */ fen) => (fen ? ` on ${yuan(fen)} or more` : '');
  const normal = rule?.fixed_normal_coupon;
  if (normal) return `${yuan(normal.discount_amount)} off${min(normal.transaction_minimum)}`;
  const discount = rule?.discount_coupon;
  if (discount) return `${100 - discount.discount_percent}% off${min(discount.transaction_minimum)}`;
  const exchange = rule?.exchange_coupon;
  if (exchange) return `for ${yuan(exchange.exchange_price)}`;
  return '';
}

/** Pages asking right now, so a burst of taps gets one request. @type {WeakSet<MiniProgram>} */
const asking = new WeakSet();

/** @param {any} page @param {any} target @param {string} method @param {Record<string, any>} detail */
function tell(page, target, method, detail) {
  page.port?.postMessage({ t: 'component:call', target, method, args: [detail] });
}

export const DECLINED = '用户取消领券 (the user closed the sheet without claiming)';

/**
 * What the page hears when the user closes the claim sheet without claiming: `errcode` `OK` (the call
 * itself worked) and every coupon `FAILED` (WeChat's code for a coupon not sent, its reason in
 * `message`), so a page written to WeChat's documented codes treats it as not claimed.
 * @param {Record<string, any>[]} params
 */
function declined(params) {
  return {
    errcode: 'OK',
    msg: DECLINED,
    send_coupon_result: params.map((param) => ({ stock_id: String(param?.stock_id ?? ''), out_request_no: String(param?.out_request_no ?? ''), coupon_code: '', code: 'FAILED', message: DECLINED })),
  };
}

/**
 * The claim sheet for one tap on `<send-coupon>`.
 * @param {MiniProgram} mp @param {any} page @param {Record<string, any>} message
 */
async function sendCoupon(mp, page, message) {
  if (asking.has(mp)) return;
  asking.add(mp);
  try {
    const user = await signedIn(mp);
    const request = {
      appid: mp.appid,
      send_coupon_params: Array.isArray(message.send_coupon_params) ? message.send_coupon_params : [],
      send_coupon_merchant: String(message.send_coupon_merchant || ''),
      sign: String(message.sign || ''),
    };
    const preview = await post(user, '/api/me/coupons/send-coupon/preview', request);
    if (!preview.ok) {
      // The page learns why (its server signed wrongly), as WeChat's plugin reports it.
      const code = String(preview.data.code || `error_${preview.status}`).toUpperCase();
      tell(page, message.target, 'sendcoupon', { errcode: code, msg: preview.data.detail || '', send_coupon_result: [] });
      return;
    }
    const summary = preview.data;
    let told = false; // whether the page has had this tap's sendcoupon
    await showSheet(mp, {
      name: 'send-coupon',
      title: 'Coupons',
      cancel: null,
      build(sheet) {
        const rows = summary.coupons.map((/** @type {Record<string, any>} */ coupon) =>
          el('div', { className: 'hutong-pay-row hutong-send-coupon-item', 'data-stock': coupon.stock_id }, [
            el('span', { className: 'hutong-send-coupon-name' }, [coupon.name || coupon.stock_id]),
            el('span', { className: 'hutong-send-coupon-worth' }, [coupon.available ? worth(coupon.coupon_use_rule) : 'Not available']),
          ]),
        );
        const claim = el('button', { type: 'button', className: 'hutong-send-coupon-claim' }, ['Claim']);
        sheet.body.append(el('div', { className: 'hutong-pay-merchant' }, [`${summary.merchant} · ${summary.app_name}`]), ...rows, claim);
        claim.addEventListener('click', async () => {
          sheet.busy(true);
          const done = await post(user, '/api/me/coupons/send-coupon', request).catch(() => ({ ok: false, status: 0, data: {} }));
          sheet.busy(false);
          if (!done.ok) return sheet.message(done.data.detail || `error ${done.status}`, 'error');
          const results = /** @type {Record<string, any>[]} */ (done.data.send_coupon_result);
          for (const result of results) {
            const row = rows.find((/** @type {HTMLElement} */ r) => r.dataset.stock === result.stock_id);
            row?.classList.add(result.code === 'SUCCESS' ? 'hutong-send-coupon-ok' : 'hutong-send-coupon-refused');
            if (row && result.code !== 'SUCCESS') row.lastChild.textContent = result.message || result.code;
          }
          const any = results.some((result) => result.code === 'SUCCESS');
          sheet.message(any ? 'Added to Wallet → Cards & coupons' : 'No coupon could be claimed', any ? 'info' : 'error');
          told = true;
          tell(page, message.target, 'sendcoupon', done.data);
          claim.textContent = message.suggest_immediate_use ? '立即使用 Use now' : '我知道了 OK';
          claim.onclick = (event) => {
            event.stopImmediatePropagation();
            tell(page, message.target, 'userconfirm', { errcode: 'OK', msg: '' });
            sheet.close(null);
          };
        }, { once: true });
      },
    });
    // Closed (×, Escape, a tap outside) before a claim went through: nothing was claimed, and the page
    // hears it, as WeChat's plugin reports a user who declines: each coupon FAILED, with why.
    if (!told) tell(page, message.target, 'sendcoupon', declined(request.send_coupon_params));
  } catch (error) {
    if (!(error instanceof SheetBusy)) tell(page, message.target, 'sendcoupon', { errcode: 'SYSTEMERROR', msg: String(/** @type {any} */ (error)?.message || error), send_coupon_result: [] });
  } finally {
    asking.delete(mp);
  }
}

/** Messages page frames send about the plugin's element (miniprogram.js hands them here). */
export const couponViewMessages = {
  'send-coupon': sendCoupon,
};

/** @param {Record<string, any>} args */
function cardList(args) {
  const list = args.cardList;
  if (!Array.isArray(list) || !list.length) throw new Error('parameter error: parameter.cardList should be a non-empty Array');
  return list.map((card) => ({ cardId: String(card?.cardId ?? ''), cardExt: String(card?.cardExt ?? ''), code: String(card?.code ?? '') }));
}

/** Apps with a card call under way: one at a time, like a payment. @type {WeakSet<MiniProgram>} */
const carding = new WeakSet();

/** @template T @param {MiniProgram} mp @param {() => Promise<T>} run */
async function oneAtATime(mp, run) {
  if (carding.has(mp)) throw new Error('another card request is in progress');
  carding.add(mp);
  try {
    return await run();
  } catch (error) {
    if (error instanceof SheetBusy) throw new Error('another sheet is showing');
    throw error;
  } finally {
    carding.delete(mp);
  }
}

export const coupons = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  addCard(mp, args) {
    const list = cardList(args).map(({ cardId, cardExt }) => ({ cardId, cardExt }));
    return oneAtATime(mp, async () => {
      const user = await signedIn(mp);
      const request = { appid: mp.appid, cardList: list };
      const preview = await post(user, '/api/me/coupons/cards/preview', request);
      if (!preview.ok) throw new Error(preview.data.detail || `error ${preview.status}`);
      const added = await showSheet(mp, {
        name: 'add-card',
        title: 'Add to Cards & coupons',
        cancel: /** @type {Record<string, any>[] | null} */ (null),
        build(sheet) {
          const rows = preview.data.cards.map((/** @type {Record<string, any>} */ card) =>
            el('div', { className: 'hutong-pay-row hutong-add-card-item' }, [el('span', {}, [`${card.name} · ${card.merchant}`]), el('span', { className: 'hutong-send-coupon-worth' }, [worth(card.coupon_use_rule)])]),
          );
          const add = el('button', { type: 'button', className: 'hutong-send-coupon-claim hutong-add-card-add' }, ['Add']);
          add.addEventListener('click', async () => {
            sheet.busy(true);
            const done = await post(user, '/api/me/coupons/cards', request).catch(() => ({ ok: false, status: 0, data: {} }));
            sheet.busy(false);
            if (!done.ok) return sheet.message(done.data.detail || `error ${done.status}`, 'error');
            sheet.close(done.data.cardList);
          });
          sheet.body.append(el('div', { className: 'hutong-pay-merchant' }, [preview.data.app_name]), ...rows, add);
        },
      });
      if (!added) throw new Error('cancel');
      return { cardList: added };
    });
  },

  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  openCard(mp, args) {
    const [card] = cardList(args);
    return oneAtATime(mp, async () => {
      await signedIn(mp);
      const path = ['/api/me/coupons/cards', mp.appid, card.cardId, card.code].map(encodeURIComponent).join('/').replace(/%2F/g, '/');
      const found = await fetch(path, { credentials: 'same-origin' });
      if (!found.ok) throw new Error('card not found');
      const { coupon_id: couponId } = await found.json();
      const shown = await (await fetch(`/api/me/coupons/${encodeURIComponent(couponId)}/code`, { credentials: 'same-origin' })).json();
      await showSheet(mp, {
        name: 'open-card',
        title: shown.name,
        cancel: null,
        build(sheet) {
          sheet.body.append(el('div', { className: 'hutong-pay-merchant' }, [`${shown.merchant} · ${worth(shown.coupon_use_rule)}`]));
          if (!shown.code) return sheet.message(shown.state === 'USED' ? 'Used' : shown.state, 'info');
          const qr = el('img', { className: 'hutong-open-card-qr', alt: 'Coupon QR code', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(shown.qr_svg)}` });
          sheet.body.append(qr, el('div', { className: 'hutong-open-card-code' }, [shown.code.replace(/(\d{4})(?=\d)/g, '$1 ')]));
        },
      });
      return {};
    });
  },
};
