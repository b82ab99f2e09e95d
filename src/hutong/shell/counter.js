// @ts-check
/**
 * Wallet → Payment code, the payer's side of a counter payment above the PIN-free limit: while the
 * code shows, the shell asks every 2 s whether a till's payment waits for this user
 * (GET /api/me/wallet/counter) and, when one does, shows its merchant and amount with a PIN field;
 * Pay confirms it (the till's next query sees SUCCESS), Decline refuses it (PAYERROR).
 * The same form confirms a shop's Native order whose QR code the user scanned (`offer`): Pay sends the
 * PIN to /api/me/wallet/native/<id>/pay, Cancel only closes it (the order stays unpaid).
 */
import { api } from './api.js';

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * @param {(text: string, error?: boolean) => void} say
 * @param {(fen: number) => string} yuan
 * @param {() => void} paid called after a payment went through (to reload the balance)
 */
export function counterConfirm(say, yuan, paid) {
  const form = el('form', { className: 'wallet-form', id: 'wallet-counter', ariaLabel: 'Confirm payment', hidden: true });
  /** @type {any} */
  let waiting = null;
  let timer = 0;

  function draw() {
    if (!waiting) {
      form.hidden = true;
      form.replaceChildren();
      return;
    }
    form.replaceChildren(
      el('h3', { textContent: `Pay ${waiting.merchant_name}` }),
      el('p', { className: 'wallet-counter-amount', textContent: yuan(waiting.amount_fen) }),
      el('p', { className: 'hint', textContent: waiting.description }),
      el('label', {}, ['Payment PIN ', el('input', { name: 'pin', type: 'password', inputMode: 'numeric', autocomplete: 'off', required: true, maxLength: 6 })]),
      el('button', { type: 'submit', textContent: 'Pay' }),
      el('button', { type: 'button', className: 'secondary', textContent: waiting.native ? 'Cancel' : 'Decline', onclick: decline }),
    );
    form.hidden = false;
  }

  async function poll() {
    if (waiting && waiting.native) return; // a scanned order is on the form: the code is not showing
    try {
      const found = await api('/api/me/wallet/counter');
      const first = found[0] || null;
      // Keep the form (and what was typed) while the same payment waits.
      if ((first && first.transaction_id) !== (waiting && waiting.transaction_id)) {
        waiting = first;
        draw();
      }
    } catch {
      // A failed poll is tried again at the next tick.
    }
    timer = window.setTimeout(poll, 2000);
  }

  async function decline() {
    if (!waiting) return;
    if (waiting.native) {
      say('Payment cancelled.');
      waiting = null;
      draw();
      return;
    }
    await api(`/api/me/wallet/counter/${encodeURIComponent(waiting.transaction_id)}/decline`, { method: 'POST' }).catch(() => null);
    say('Payment declined.');
    waiting = null;
    draw();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!waiting) return;
    const pin = String(new FormData(/** @type {HTMLFormElement} */ (form)).get('pin'));
    try {
      const id = encodeURIComponent(waiting.transaction_id);
      await api(waiting.native ? `/api/me/wallet/native/${id}/pay` : `/api/me/wallet/counter/${id}/confirm`, { method: 'POST', json: { pin } });
      say(`Paid ${yuan(waiting.amount_fen)} to ${waiting.merchant_name}`);
      waiting = null;
      draw();
      paid();
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
    }
  });

  return {
    section: form,
    start() {
      window.clearTimeout(timer);
      poll();
    },
    stop() {
      window.clearTimeout(timer);
      waiting = null;
      draw();
    },
    /** A scanned Native order to confirm with the PIN. @param {any} payment */
    offer(payment) {
      window.clearTimeout(timer);
      waiting = { ...payment, native: true };
      draw();
    },
  };
}
