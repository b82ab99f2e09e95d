// @ts-check
/**
 * Coupons, the host's side: the send-coupon plugin's claim sheet, and `wx.addCard` / `wx.openCard`.
 *
 * A page's `<send-coupon>` (view/components/plugins.js) reports a tap and the merchant's signed
 * parameters. The host sends them with the appid it launched (never one the page names) to the
 * platform, which checks the sign against the merchant's key; the host then draws the claim sheet
 * (host/sheets.js, outside every frame), claims only on the user's tap on *Claim* there, tells the page
 * `sendcoupon` with WeChat's `send_coupon_result`, and `userconfirm` when the user taps the confirm
 * button. Dismissing the sheet claims nothing and tells the page nothing.
 */
import { SheetBusy, showSheet } from '../sheets.js';
import { signedIn } from './login.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** @param {{csrf_token: string | null}} user @param {string} path @param {Record<string, any>} body */
async function post(user, path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': user.csrf_token || '' },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, status: response.status, data: await response.json().catch(() => ({})) };
}

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
  } catch (error) {
    if (!(error instanceof SheetBusy)) tell(page, message.target, 'sendcoupon', { errcode: 'SYSTEM_ERROR', msg: String(/** @type {any} */ (error)?.message || error), send_coupon_result: [] });
  } finally {
    asking.delete(mp);
  }
}

/** Messages page frames send about the plugin's element (miniprogram.js hands them here). */
export const couponViewMessages = {
  'send-coupon': sendCoupon,
};
