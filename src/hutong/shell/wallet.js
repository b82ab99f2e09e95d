// @ts-check
/**
 * Home → Wallet: the signed-in user's balance, top-up from a card and withdrawal to a bank account
 * (through the platform's funding provider, decided asynchronously: a transfer is polled until the
 * bank's answer arrives), the payment PIN, and the history with each payment's mini program and
 * merchant, and the payment code a cashier scans (QR and barcode, refreshed every minute; a payment
 * above the PIN-free limit is confirmed under it, counter.js). Amounts are
 * integer fen on the wire; yuan are parsed from text, never through floats.
 */
import { api, session } from './api.js';
import { couponsSection } from './coupons.js';
import { counterConfirm } from './counter.js';

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** "12.3" → 1230; null when it is not an amount. @param {string} text */
export function fenFrom(text) {
  const match = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
}

/** @param {number} fen */
export function yuan(fen) {
  const sign = fen < 0 ? '−' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const STATES = /** @type {Record<string, string>} */ ({ pending: 'Processing', succeeded: '', failed: 'Failed' });

/**
 * Wire the Wallet button and sheet.
 * @param {{openSheet: (id: string) => void}} host
 * @returns {{refresh: () => void, payNative: (codeUrl: string) => Promise<void>}}
 */
export function initWallet(host) {
  const button = /** @type {HTMLElement} */ (document.getElementById('wallet'));
  const body = /** @type {HTMLElement} */ (document.getElementById('wallet-body'));
  // One Idempotency-Key per intended transfer: a retry after a lost answer reuses it.
  const keys = { topup: crypto.randomUUID(), withdraw: crypto.randomUUID() };

  const balance = el('p', { className: 'wallet-balance', id: 'wallet-balance' });
  const status = el('p', { className: 'wallet-status', role: 'status', id: 'wallet-status' });
  const history = el('ul', { className: 'wallet-history', id: 'wallet-history', ariaLabel: 'History' });

  /** @param {string} text @param {boolean} [error] */
  const say = (text, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };

  /** @param {string} label @param {Record<string, any>} props */
  const field = (label, props) => el('label', {}, [label, ' ', el('input', props)]);

  const topUp = el('form', { className: 'wallet-form', id: 'wallet-topup', ariaLabel: 'Top up' }, [
    el('h3', { textContent: 'Top up' }),
    field('Amount (¥)', { name: 'amount', inputMode: 'decimal', required: true, placeholder: '100.00' }),
    field('Card number', { name: 'card', inputMode: 'numeric', autocomplete: 'cc-number', required: true, maxLength: 23 }),
    el('button', { type: 'submit', textContent: 'Top up' }),
  ]);
  const withdraw = el('form', { className: 'wallet-form', id: 'wallet-withdraw', ariaLabel: 'Withdraw' }, [
    el('h3', { textContent: 'Withdraw' }),
    field('Amount (¥)', { name: 'amount', inputMode: 'decimal', required: true }),
    field('Bank account', { name: 'account', inputMode: 'numeric', required: true, maxLength: 34 }),
    field('Payment PIN', { name: 'pin', type: 'password', inputMode: 'numeric', autocomplete: 'off', required: true, maxLength: 6 }),
    el('button', { type: 'submit', textContent: 'Withdraw' }),
  ]);
  const pinForm = el('form', { className: 'wallet-form', id: 'wallet-pin', ariaLabel: 'Payment PIN' }, [
    el('h3', { textContent: 'Payment PIN' }),
    field('New PIN (6 digits)', { name: 'pin', type: 'password', inputMode: 'numeric', autocomplete: 'off', required: true, maxLength: 6 }),
    field('Account password', { name: 'password', type: 'password', autocomplete: 'current-password', maxLength: 1000 }),
    field('or current PIN', { name: 'current', type: 'password', inputMode: 'numeric', autocomplete: 'off', maxLength: 6 }),
    el('button', { type: 'submit', textContent: 'Save PIN' }),
  ]);
  // The payment code a cashier scans: refreshed every minute while it shows, single use.
  const codeBox = el('div', { className: 'wallet-paycode', id: 'wallet-paycode', hidden: true });
  const codeButton = el('button', { type: 'button', id: 'wallet-paycode-show', textContent: 'Payment code' });
  /** @type {number} */
  let codeTimer = 0;
  const stopCode = () => {
    clearTimeout(codeTimer);
    codeBox.hidden = true;
    codeBox.replaceChildren();
    counter.stop();
  };
  /** @param {string} svg @param {string} alt */
  const svgImage = (svg, alt) => el('img', { src: `data:image/svg+xml,${encodeURIComponent(svg)}`, alt });
  async function showCode() {
    if (!document.getElementById('wallet-sheet') || /** @type {HTMLElement} */ (document.getElementById('wallet-sheet')).hidden) return stopCode();
    try {
      const made = await api('/api/me/wallet/paycode', { method: 'POST' });
      codeBox.replaceChildren(
        svgImage(made.barcode_svg, 'Payment barcode'),
        el('p', { className: 'wallet-paycode-digits', textContent: made.code.replace(/(\d{4})(?=\d)/g, '$1 ') }),
        svgImage(made.qr_svg, 'Payment QR code'),
        el('p', { className: 'hint', textContent: 'Show this to the cashier. It changes every minute and works once.' }),
      );
      if (codeBox.hidden) counter.start(); // a till's payment above the PIN-free limit asks here
      codeBox.hidden = false;
      codeTimer = window.setTimeout(showCode, 60_000);
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
    }
  }
  codeButton.addEventListener('click', () => (codeBox.hidden ? showCode() : stopCode()));
  const counter = counterConfirm(say, yuan, () => load());

  const coupons = couponsSection();
  const pinState = el('p', { className: 'hint', id: 'wallet-pin-state' });
  pinForm.insertBefore(pinState, pinForm.children[1]);

  /** @param {string} reference */
  async function follow(reference) {
    for (let i = 0; i < 120; i += 1) {
      const transfer = await api(`/api/me/wallet/transfers/${encodeURIComponent(reference)}`);
      if (transfer.state !== 'pending') return transfer;
      await new Promise((resolve) => setTimeout(resolve, i < 20 ? 250 : 1000));
    }
    return null;
  }

  /** @param {any} transfer @param {string} done */
  async function report(transfer, done) {
    if (!transfer) say('Still processing; the bank has not answered yet.');
    else if (transfer.state === 'succeeded') say(done);
    else say(`Failed: ${transfer.failure_code.replaceAll('_', ' ')}`, true);
    await load();
  }

  topUp.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (topUp));
    const amount = fenFrom(String(form.get('amount')));
    if (!amount) return say('Enter an amount like 100 or 12.50', true);
    say('Topping up…');
    try {
      const started = await api('/api/me/wallet/topups', { method: 'POST', json: { amount_fen: amount, card_number: String(form.get('card')) }, headers: { 'Idempotency-Key': keys.topup } });
      keys.topup = crypto.randomUUID();
      /** @type {HTMLFormElement} */ (topUp).reset();
      await report(started.state === 'pending' ? await follow(started.reference) : started, `Topped up ${yuan(amount)}`);
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
    }
  });

  withdraw.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (withdraw));
    const amount = fenFrom(String(form.get('amount')));
    if (!amount) return say('Enter an amount like 100 or 12.50', true);
    say('Withdrawing…');
    try {
      const json = { amount_fen: amount, account_number: String(form.get('account')), pin: String(form.get('pin')) };
      const started = await api('/api/me/wallet/withdrawals', { method: 'POST', json, headers: { 'Idempotency-Key': keys.withdraw } });
      keys.withdraw = crypto.randomUUID();
      /** @type {HTMLFormElement} */ (withdraw).reset();
      await load();
      await report(started.state === 'pending' ? await follow(started.reference) : started, `Withdrew ${yuan(amount)}`);
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
    }
  });

  pinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (pinForm));
    const password = String(form.get('password') || '');
    const current = String(form.get('current') || '');
    const json = { pin: String(form.get('pin')), ...(password ? { password } : current ? { current_pin: current } : {}) };
    try {
      await api('/api/me/wallet/pin', { method: 'PUT', json });
      /** @type {HTMLFormElement} */ (pinForm).reset();
      say('Payment PIN saved');
      await load();
    } catch (error) {
      say(error instanceof Error ? error.message : String(error), true);
    }
  });

  /** @param {any} entry */
  const row = (entry) =>
    el('li', { className: `wallet-entry wallet-${entry.kind} wallet-${entry.state}` }, [
      el('div', { className: 'wallet-entry-main' }, [
        el('span', { className: 'wallet-entry-title', textContent: entry.title }),
        el('span', { className: 'wallet-entry-amount', textContent: `${entry.amount_fen > 0 ? '+' : ''}${yuan(entry.amount_fen)}` }),
      ]),
      el('div', { className: 'wallet-entry-detail' }, [
        el('span', { textContent: [entry.detail.replaceAll('_', ' '), STATES[entry.state]].filter(Boolean).join(' · ') }),
        el('time', { dateTime: entry.created_at, textContent: new Date(entry.created_at).toLocaleString() }),
      ]),
    ]);

  async function load() {
    const [wallet, entries] = await Promise.all([api('/api/me/wallet'), api('/api/me/wallet/history')]);
    balance.textContent = yuan(wallet.balance_fen);
    pinState.textContent = wallet.pin_locked ? 'Locked after 5 wrong tries: reset it with your account password.' : wallet.pin_set ? 'Set. Change it with the current PIN, or reset it with your password.' : 'Not set yet: set it with your account password.';
    history.replaceChildren(...(entries.length ? entries.map(row) : [el('li', { className: 'empty', textContent: 'Nothing yet.' })]));
  }

  button.addEventListener('click', async () => {
    host.openSheet('wallet-sheet');
    say('');
    stopCode();
    coupons.stop();
    body.replaceChildren(el('p', { className: 'wallet-label', textContent: 'Balance' }), balance, status, codeButton, codeBox, counter.section, coupons.section, topUp, withdraw, pinForm, el('h3', { textContent: 'History' }), history);
    await Promise.all([load(), coupons.load()]).catch((error) => say(error.message, true));
  });

  return {
    refresh() {
      button.hidden = !session.user;
    },
    /** A shop's Native order QR code was scanned: open the wallet on its confirmation. @param {string} codeUrl */
    async payNative(codeUrl) {
      button.click(); // draws the sheet (and stops the payment code) before the order shows
      try {
        counter.offer(await api('/api/me/wallet/native', { method: 'POST', json: { code_url: codeUrl } }));
      } catch (error) {
        say(error instanceof Error ? error.message : String(error), true);
      }
    },
  };
}
