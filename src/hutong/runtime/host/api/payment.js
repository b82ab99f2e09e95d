// @ts-check
/**
 * wx.requestPayment, the host's side. The host (never the app) asks the platform to check the
 * merchant's paySign and that the prepay is this app's and this user's, draws the payment sheet
 * (host/sheets.js: merchant, amount, paid with the wallet, PIN pad) and sends the PIN with the host's
 * own session and CSRF token. The app learns only `requestPayment:ok`, `requestPayment:fail cancel` or
 * `requestPayment:fail <reason>`; it can neither see nor skip the sheet.
 */
import { pinPad, SheetBusy, showSheet } from '../sheets.js';
import { signedIn } from './login.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const FIELDS = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'];

/** @param {number} fen */
export function yuan(fen) {
  return `${Math.trunc(fen / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
}

/** The five fields as WeChat takes them: all strings. @param {Record<string, any>} args */
function payParams(args) {
  /** @type {Record<string, string>} */
  const params = {};
  for (const name of FIELDS) {
    const value = args[name];
    if (typeof value !== 'string' || !value) throw new Error(`parameter error: parameter.${name} should be a non-empty String`);
    params[name] = value;
  }
  return params;
}

/**
 * A JSON POST with the host's session and CSRF token (the coupon sheets use it too).
 * @param {{csrf_token: string | null}} user @param {string} path @param {Record<string, any>} body
 * @param {string} [idempotencyKey] sent as Idempotency-Key (the server replays its first answer)
 */
export async function post(user, path, body, idempotencyKey = '') {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': user.csrf_token || '' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

/** A fresh Idempotency-Key (getRandomValues works outside secure contexts too, unlike randomUUID). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `pay-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** @typedef {{coupon_id: string, title: string, discount_fen: number}} Offer */

/** What the wallet pays with ``offer`` chosen. @param {{amount_fen: number}} summary @param {Offer | null} offer */
function payable(summary, offer) {
  return summary.amount_fen - (offer ? offer.discount_fen : 0);
}

/**
 * The coupon line (docs/ARCHITECTURE.md, "The payment sheet's coupon line"): the best applicable
 * coupon preselected (the preview's `coupon_id`), and a list to pick another or none. Drawn only when
 * the platform offers coupons for this order; the choice goes with the PIN as `coupon_id`.
 * @param {{coupons?: Offer[]}} summary @param {(offer: Offer | null) => void} changed
 */
function couponLine(summary, changed) {
  const offers = Array.isArray(summary.coupons) ? summary.coupons : [];
  if (!offers.length) return null;
  /** @type {Offer | null} */
  let chosen = null;
  const value = el('span', { className: 'hutong-pay-coupon-value' });
  const list = el('div', { className: 'hutong-pay-coupons', role: 'radiogroup', 'aria-label': 'Coupons', hidden: true });
  const toggle = el('button', { type: 'button', className: 'hutong-pay-coupon', 'aria-expanded': 'false', onclick: () => {
    list.hidden = !list.hidden;
    toggle.setAttribute('aria-expanded', String(!list.hidden));
  } }, [value, ' ›']);
  /** @param {string | null} id */
  const choose = (id) => {
    chosen = offers.find((offer) => offer.coupon_id === id) || null;
    value.textContent = chosen ? `${chosen.title} −¥${yuan(chosen.discount_fen)}` : 'No coupon';
    for (const option of list.querySelectorAll('[role="radio"]')) option.setAttribute('aria-checked', String(option.getAttribute('data-coupon') === (chosen ? chosen.coupon_id : '')));
    changed(chosen);
  };
  const option = (/** @type {string} */ id, /** @type {string} */ text) =>
    el('button', { type: 'button', role: 'radio', className: 'hutong-pay-coupon-option', 'data-coupon': id, 'aria-checked': 'false', onclick: () => {
      choose(id || null);
      list.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
    } }, [text]);
  list.append(...offers.map((offer) => option(offer.coupon_id, `${offer.title} −¥${yuan(offer.discount_fen)}`)), option('', 'No coupon'));
  const node = el('div', { className: 'hutong-pay-coupon-line' }, [el('div', { className: 'hutong-pay-row' }, [el('span', {}, ['Coupon']), toggle]), list]);
  return { node, choose, chosen: () => chosen };
}

/** Apps with a payment under way (from the first check to the sheet's answer). @type {WeakSet<MiniProgram>} */
const paying = new WeakSet();

export const payment = {
  /**
   * One payment per app at a time: a call while one is under way (even before its sheet shows) fails
   * at once, so an app asking in a loop costs the platform one check and the user one sheet.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async requestPayment(mp, args) {
    const params = payParams(args);
    if (paying.has(mp)) throw new Error('a payment is already in progress');
    paying.add(mp);
    try {
      return await pay(mp, params);
    } finally {
      paying.delete(mp);
    }
  },
};

/** @param {MiniProgram} mp @param {Record<string, string>} params */
async function pay(mp, params) {
  const user = await signedIn(mp);
  // The app's identity is the host's own record of what it launched, never a field the app sends.
  const order = { appid: mp.appid, ...params };
  const preview = await post(user, '/api/me/wallet/payments/preview', order);
  if (!preview.ok) throw new Error(preview.data.detail || `error ${preview.status}`);
  const summary = preview.data;
  let result;
  try {
    result = await showSheet(mp, {
      name: 'pay',
      title: 'Pay',
      cancel: /** @type {{ok: boolean, reason: string}} */ ({ ok: false, reason: 'cancel' }),
      build(sheet) {
        const amount = el('div', { className: 'hutong-pay-amount' }, [yuan(summary.amount_fen)]);
        const original = el('div', { className: 'hutong-pay-original', hidden: true });
        const coupon = couponLine(summary, (offer) => {
          // The amount shown is what the wallet pays: the order's amount less the chosen coupon.
          amount.textContent = yuan(payable(summary, offer));
          original.textContent = offer ? `¥${yuan(summary.amount_fen)}` : '';
          original.hidden = !offer;
          enoughMoney();
        });
        sheet.body.append(
          el('div', { className: 'hutong-pay-merchant' }, [summary.merchant_name]),
          amount,
          original,
          el('div', { className: 'hutong-pay-row' }, [el('span', {}, ['Item']), el('span', { className: 'hutong-pay-description' }, [summary.description])]),
          el('div', { className: 'hutong-pay-row' }, [el('span', {}, ['Mini program']), el('span', {}, [summary.app_name])]),
          ...(coupon ? [coupon.node] : []),
          el('div', { className: 'hutong-pay-row' }, [el('span', {}, ['Pay with']), el('span', { className: 'hutong-pay-source' }, [`Wallet balance (¥${yuan(summary.balance_fen)})`])]),
        );
        coupon?.choose(summary.coupon_id ?? null);
        if (!summary.pin_set) return sheet.message('Set a payment PIN in Wallet first.', 'error');
        if (summary.pin_locked) return sheet.message('Your payment PIN is locked. Reset it in Wallet.', 'error');
        function enoughMoney() {
          const short = summary.balance_fen < payable(summary, coupon?.chosen() ?? null);
          if (short) sheet.message('Your wallet balance is too low. Top up in Wallet.', 'error');
          else sheet.message('Enter your payment PIN');
          return !short;
        }
        if (!enoughMoney() && !coupon) return;
        // One Idempotency-Key per payment attempt (this order, PIN and coupon): a tap retried after a
        // lost answer sends the same key and gets the first answer replayed, never a second charge.
        const attempt = { body: '', key: '' };
        const pad = pinPad(async (pin) => {
          if (!enoughMoney()) return pad.clear();
          sheet.busy(true);
          const body = { ...order, pin, coupon_id: coupon?.chosen()?.coupon_id ?? null };
          const sent = JSON.stringify(body);
          if (attempt.body !== sent) Object.assign(attempt, { body: sent, key: newKey() });
          const send = () => post(user, '/api/me/wallet/payments', body, attempt.key).catch(() => ({ ok: false, status: 0, data: {} }));
          let paid = await send();
          if (paid.status === 0) paid = await send(); // the network dropped: the same key asks once more
          if (paid.status !== 0 && paid.status !== 409) attempt.body = ''; // answered: the next tap is new
          sheet.busy(false);
          if (paid.ok) {
            pad.detach();
            sheet.busy(true);
            sheet.message('Paid', 'info');
            setTimeout(() => sheet.close({ ok: true, reason: '' }), 400);
            return;
          }
          const code = paid.data.code || '';
          if (code === 'wrong_pin') {
            pad.clear();
            return sheet.message(paid.data.detail || 'Wrong PIN', 'error');
          }
          sheet.close({ ok: false, reason: paid.data.detail || `error ${paid.status}` });
        });
        sheet.body.append(pad.node);
        sheet.onClose(pad.detach);
      },
    });
  } catch (error) {
    if (error instanceof SheetBusy) throw new Error('a payment is already in progress');
    throw error;
  }
  if (!result.ok) throw new Error(result.reason);
  return {};
}
