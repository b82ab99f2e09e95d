// @ts-check
/**
 * Plugins the platform provides itself (compiler/components.py PLATFORM_PLUGINS): WeChat Pay's
 * send-coupon plugin, `<send-coupon send_coupon_params sign send_coupon_merchant suggest_immediate_use
 * bind:sendcoupon bind:userconfirm>`. The element only reports the tap and its parameters to the host;
 * the host checks the merchant's sign with the platform, draws the claim sheet outside every frame
 * and claims on the user's tap there (host/api/coupons.js), then answers with the events the page
 * binds. Nothing here can claim a coupon: forging a tap or a sheet gets a page no coupon.
 */
import { emit } from '../events.js';
import { Builtin, define, flag, toHost } from './base.js';

/** An attribute that may arrive as an object (`__props`, from `{{…}}`) or as JSON text. @param {any} el @param {string} name */
function objectAttr(el, name) {
  const prop = el.__props?.[name];
  if (prop !== undefined) return prop;
  const text = el.getAttribute(name);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

class SendCoupon extends Builtin {
  connectedCallback() {
    if (!this.shadowRoot) {
      this.shadow(':host{display:block}', '<slot></slot>');
      this.addEventListener('click', () => this.ask());
    }
  }

  ask() {
    toHost(this, {
      t: 'send-coupon',
      send_coupon_params: objectAttr(this, 'send_coupon_params'),
      sign: this.getAttribute('sign') || '',
      send_coupon_merchant: this.getAttribute('send_coupon_merchant') || '',
      suggest_immediate_use: flag(this, 'suggest_immediate_use'),
    });
  }

  /** The host's answers: the claim's result, then the user's tap on the confirm button. @param {string} method @param {any[]} args */
  hutongCall(method, args) {
    const detail = args[0] && typeof args[0] === 'object' ? args[0] : {};
    if (method === 'sendcoupon') {
      emit(this, 'sendcoupon', detail);
      emit(this, 'customevent', detail); // the plugin's original event name (bindcustomevent)
    } else if (method === 'userconfirm') emit(this, 'userconfirm', detail);
  }
}
define('hutong-send-coupon', SendCoupon);
