// @ts-check
/**
 * Wallet → Cards & coupons: the user's coupons from every mini program, newest first, each with what it
 * is worth and until when; a usable one opens its code for the cashier (Code 128 barcode, the digits
 * and a QR code). While the code shows it is fetched again every few seconds, so the moment a cashier
 * redeems it the screen says so, and a used or expired coupon shows no code at all (single use).
 */
import { api } from './api.js';

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** @param {number} fen */
const yuan = (fen) => `¥${Math.trunc(fen / 100)}${fen % 100 ? `.${String(fen % 100).padStart(2, '0')}` : ''}`;

/** What a coupon is worth, from WeChat's coupon_use_rule. @param {any} rule */
export function worth(rule) {
  const minimum = (/** @type {number} */ fen) => (fen ? ` on ${yuan(fen)} or more` : '');
  if (rule.fixed_normal_coupon) return `${yuan(rule.fixed_normal_coupon.discount_amount)} off${minimum(rule.fixed_normal_coupon.transaction_minimum)}`;
  if (rule.discount_coupon) {
    const d = rule.discount_coupon;
    return `${100 - d.discount_percent}% off${d.max_discount_amount ? ` (up to ${yuan(d.max_discount_amount)})` : ''}${minimum(d.transaction_minimum)}`;
  }
  if (rule.exchange_coupon) return `Exchange for ${yuan(rule.exchange_coupon.exchange_price)}`;
  return '';
}

const STATE = /** @type {Record<string, string>} */ ({ SENDED: '', USED: 'Used', EXPIRED: 'Expired', DEACTIVATED: 'No longer valid' });
const REFRESH_MS = 4000;

/** The Cards & coupons section of the wallet sheet; `load()` (re)reads it, `stop()` hides any code. */
export function couponsSection() {
  const list = el('ul', { className: 'wallet-coupons', id: 'wallet-coupons', ariaLabel: 'Cards & coupons' });
  const codeBox = el('div', { className: 'wallet-coupon-code', id: 'wallet-coupon-code', hidden: true, role: 'region', ariaLabel: 'Coupon code' });
  const section = el('section', { id: 'wallet-coupons-section' }, [el('h3', { textContent: 'Cards & coupons' }), list, codeBox]);
  /** @type {number} */
  let timer = 0;
  const stop = () => {
    clearTimeout(timer);
    codeBox.hidden = true;
    codeBox.replaceChildren();
  };
  /** @param {string} svg @param {string} alt */
  const image = (svg, alt) => el('img', { src: `data:image/svg+xml,${encodeURIComponent(svg)}`, alt });

  /** @param {string} couponId */
  async function show(couponId) {
    clearTimeout(timer);
    if (!section.isConnected) return stop();
    const coupon = await api(`/api/me/coupons/${encodeURIComponent(couponId)}/code`);
    const head = el('p', { className: 'wallet-coupon-title', textContent: `${coupon.name} · ${coupon.merchant}` });
    if (!coupon.code) {
      codeBox.replaceChildren(head, el('p', { className: 'wallet-coupon-done', textContent: STATE[coupon.state] || coupon.state }));
      codeBox.hidden = false;
      await load();
      return;
    }
    codeBox.replaceChildren(
      head,
      image(coupon.barcode_svg, 'Coupon barcode'),
      el('p', { className: 'wallet-coupon-digits', textContent: coupon.code.replace(/(\d{4})(?=\d)/g, '$1 ') }),
      image(coupon.qr_svg, 'Coupon QR code'),
      el('p', { className: 'hint', textContent: 'Show this to the cashier. It works once.' }),
      el('button', { type: 'button', textContent: 'Done', onclick: stop }),
    );
    codeBox.hidden = false;
    timer = window.setTimeout(() => show(couponId).catch(stop), REFRESH_MS);
  }

  /** @param {any} coupon */
  const row = (coupon) =>
    el('li', { className: `wallet-coupon wallet-coupon-${coupon.state.toLowerCase()}` }, [
      el('div', { className: 'wallet-entry-main' }, [
        el('span', { className: 'wallet-entry-title', textContent: coupon.name }),
        el('span', { className: 'wallet-coupon-worth', textContent: worth(coupon.coupon_use_rule) }),
      ]),
      el('div', { className: 'wallet-entry-detail' }, [
        el('span', { textContent: [coupon.merchant, coupon.goods_name, STATE[coupon.state]].filter(Boolean).join(' · ') }),
        el('time', { dateTime: coupon.valid_until, textContent: `until ${new Date(coupon.valid_until).toLocaleDateString()}` }),
      ]),
      ...(coupon.state === 'SENDED' ? [el('button', { type: 'button', className: 'wallet-coupon-use', textContent: 'Use', onclick: () => show(coupon.coupon_id) })] : []),
    ]);

  async function load() {
    const mine = await api('/api/me/coupons');
    list.replaceChildren(...(mine.coupons.length ? mine.coupons.map(row) : [el('li', { className: 'empty', textContent: 'No coupons yet.' })]));
  }

  return { section, load, stop };
}
