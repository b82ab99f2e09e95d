// @ts-check
/**
 * A poster's coupon code: /coupon/<token> opened in the host (a scanned QR code or a link). The claim
 * sheet shows what the coupon is, whose, and for which mini program; "Claim" asks the platform
 * (host-only: a mini program cannot claim on the user's behalf), then offers to open the mini program at
 * the poster's page. The coupon lands in Wallet → Cards & coupons.
 */
import { ApiError, api, session } from './api.js';
import { worth } from './coupons.js';

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const CLAIM_PATH = /^\/coupon\/(c[A-Za-z0-9_-]{8,40})$/;

/** The claim token in a scanned text or link, if it is one of this host's coupon codes. @param {string} text */
export function claimToken(text) {
  try {
    const url = new URL(text.trim(), location.origin);
    if (url.origin !== location.origin) return null;
    return url.pathname.match(CLAIM_PATH)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * @param {{openSheet: (id: string) => void, open: (appid: string, channel?: string, launch?: {path?: string, scene?: number}) => Promise<void>, notice: (text: string) => void, scene: number}} host
 */
export function initClaim(host) {
  const body = /** @type {HTMLElement} */ (document.getElementById('claim-body'));
  const status = el('p', { id: 'claim-status', role: 'status' });

  /** @param {string} token */
  async function show(token) {
    if (!session.user) {
      host.notice('Sign in to claim this coupon.');
      return;
    }
    let coupon;
    try {
      coupon = await api(`/api/me/coupons/links/${encodeURIComponent(token)}`);
    } catch (error) {
      host.notice(error instanceof ApiError ? error.message : String(error));
      return;
    }
    host.openSheet('claim-sheet');
    status.textContent = '';
    const openApp = el('button', { type: 'button', id: 'claim-open', textContent: `Open ${coupon.app_name}`, hidden: !coupon.claimed, onclick: () => host.open(coupon.appid, 'release', { path: coupon.path || undefined, scene: host.scene }) });
    const claim = el('button', { type: 'button', id: 'claim-button', textContent: coupon.claimed ? 'Claimed' : 'Claim', disabled: Boolean(coupon.claimed) || !coupon.available });
    claim.addEventListener('click', async () => {
      claim.disabled = true;
      try {
        await api(`/api/me/coupons/links/${encodeURIComponent(token)}`, { method: 'POST', json: {} });
        claim.textContent = 'Claimed';
        status.textContent = 'Added to Wallet → Cards & coupons.';
        openApp.hidden = false;
      } catch (error) {
        status.textContent = error instanceof ApiError ? error.message : String(error);
        claim.disabled = false;
      }
    });
    body.replaceChildren(
      el('p', { className: 'claim-name', id: 'claim-name', textContent: coupon.name }),
      el('p', { className: 'claim-worth', textContent: worth(coupon.coupon_use_rule) }),
      el('p', { className: 'hint', textContent: `${coupon.merchant} · ${coupon.app_name}${coupon.available ? '' : ' · not available now'}` }),
      status,
      claim,
      openApp,
    );
  }

  return {
    /** The host was opened at a coupon link: show its claim sheet. */
    async fromAddress() {
      const token = location.pathname.match(CLAIM_PATH)?.[1];
      if (!token) return false;
      history.replaceState(null, '', '/');
      await show(token);
      return true;
    },
    /** A scanned code that is a coupon link. @param {string} text */
    async fromScan(text) {
      const token = claimToken(text);
      if (!token) return false;
      await show(token);
      return true;
    },
  };
}
