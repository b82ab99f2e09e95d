// @ts-check
/**
 * One customer service conversation as the host draws it: the messages (the user's on the right, the
 * app's on the left: text, images, links and mini program cards), a text box, and the suggested
 * message card of `show-message-card`. Used by the contact sheet over a running app (support.js) and
 * by the shell's Messages. New replies are fetched every few seconds while it is shown.
 * Everything here talks to the platform with the host's session; no mini program context reaches it.
 */
import { el } from './ui.js';

const POLL_MS = 2000;

/**
 * @typedef {{id: number, from: 'user' | 'agent', type: string, body: Record<string, string>,
 *   image_url: string, created_at: string}} SupportMessage
 * @typedef {{title: string, path: string, thumb: string}} Card
 */

/** @param {string} csrf @param {string} method @param {string} url @param {any} [body] */
export async function supportCall(csrf, method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: body === undefined ? { 'X-CSRF-Token': csrf } : { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail || `${response.status}`);
  return data;
}

/** A card's path → WeChat's `{path, query}`. @param {string} pagepath */
export function cardTarget(pagepath) {
  const [path, search = ''] = String(pagepath || '').split(/\?(.*)/s);
  return { path: path.replace(/^\//, ''), query: Object.fromEntries(new URLSearchParams(search)) };
}

/**
 * A mini program card (a page of the app), tappable when `onTap` is given.
 * @param {{title: string, thumb: string, appName: string}} card @param {(() => void) | null} onTap
 */
function cardView(card, onTap) {
  const children = [el('div', { className: 'hutong-support-card-app' }, [card.appName]), el('div', { className: 'hutong-support-card-title' }, [card.title])];
  if (card.thumb) children.push(el('img', { className: 'hutong-support-card-thumb', src: card.thumb, alt: '' }));
  children.push(el('div', { className: 'hutong-support-card-label' }, ['小程序']));
  if (!onTap) return el('div', { className: 'hutong-support-card' }, children);
  return el('button', { type: 'button', className: 'hutong-support-card', onclick: onTap, 'aria-label': `Open ${card.title}` }, children);
}

/**
 * @param {SupportMessage} message @param {string} appName
 * @param {(pagepath: string) => void} onCard
 */
function messageView(message, appName, onCard) {
  const body = message.body || {};
  /** @type {Node} */
  let content;
  if (message.type === 'text') content = el('div', { className: 'hutong-support-text' }, [body.content || '']);
  else if (message.type === 'image') content = el('img', { className: 'hutong-support-image', src: message.image_url, alt: 'Image' });
  else if (message.type === 'link') {
    const href = /^https?:\/\//.test(body.url || '') ? body.url : '#';
    content = el('a', { className: 'hutong-support-link', href, target: '_blank', rel: 'noopener noreferrer' }, [
      el('strong', {}, [body.title || body.url || '']),
      ...(body.description ? [el('span', {}, [body.description])] : []),
    ]);
  } else if (message.type === 'miniprogrampage') {
    const thumb = message.image_url || body.thumb_url || '';
    content = cardView({ title: body.title || '', thumb, appName }, () => onCard(body.pagepath || ''));
  } else content = el('div', { className: 'hutong-support-text' }, [`[${message.type}]`]);
  const row = el('li', { className: `hutong-support-message hutong-support-${message.from}` }, [content]);
  row.dataset.from = message.from;
  return row;
}

/**
 * Build the conversation view for `appid` into a new element.
 * @param {{appid: string, appName: string, csrf: string, thread?: {messages: SupportMessage[]},
 *   card?: Card | null, onCard: (pagepath: string) => void}} options
 * @returns {{element: HTMLElement, stop: () => void}}
 */
export function threadView(options) {
  const base = `/api/me/support/${encodeURIComponent(options.appid)}`;
  const list = el('ul', { className: 'hutong-support-messages', 'aria-label': 'Messages', 'aria-live': 'polite' });
  const status = el('p', { className: 'hutong-support-status', role: 'status' });
  const input = /** @type {HTMLTextAreaElement} */ (el('textarea', { className: 'hutong-support-input', rows: 1, maxLength: 2000, 'aria-label': 'Message', placeholder: '发消息…' }));
  const sendButton = el('button', { type: 'submit', className: 'hutong-support-send' }, ['发送']);
  const form = el('form', { className: 'hutong-support-compose' }, [input, sendButton]);
  const element = el('div', { className: 'hutong-support-thread' }, [list, status]);
  /** @type {Set<number>} */
  const shown = new Set();
  let newestAgent = 0;
  let stopped = false;

  /** @param {SupportMessage[]} messages */
  const show = (messages) => {
    for (const message of messages) {
      if (shown.has(message.id)) continue;
      shown.add(message.id);
      list.appendChild(messageView(message, options.appName, options.onCard));
      if (message.from === 'agent') newestAgent = Math.max(newestAgent, message.id);
    }
    list.scrollTop = list.scrollHeight;
  };
  let readUpTo = 0;
  const markRead = async () => {
    if (newestAgent <= readUpTo) return;
    readUpTo = newestAgent;
    await supportCall(options.csrf, 'POST', `${base}/read`).catch(() => undefined);
  };

  if (options.card) {
    const card = options.card;
    const suggestion = el('div', { className: 'hutong-support-suggest' }, [
      el('div', { className: 'hutong-support-suggest-title' }, ['你可能要发送的小程序']),
      cardView({ title: card.title, thumb: card.thumb, appName: options.appName }, null),
    ]);
    const sendCard = el('button', { type: 'button', className: 'hutong-support-send-card' }, ['发送小程序卡片']);
    sendCard.addEventListener('click', async () => {
      try {
        show([await supportCall(options.csrf, 'POST', `${base}/messages`, { type: 'card', title: card.title, path: card.path, thumb_url: card.thumb })]);
        suggestion.remove();
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error);
      }
    });
    suggestion.appendChild(sendCard);
    element.appendChild(suggestion);
  }
  element.appendChild(form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    sendButton.setAttribute('disabled', '');
    try {
      show([await supportCall(options.csrf, 'POST', `${base}/messages`, { type: 'text', content: text })]);
      input.value = '';
      status.textContent = '';
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      sendButton.removeAttribute('disabled');
    }
  });

  const refresh = async () => {
    try {
      const thread = await supportCall(options.csrf, 'GET', base);
      show(thread.messages);
      await markRead();
    } catch {
      // A failed poll shows nothing new; the next one tries again.
    }
  };
  /** @type {number} */
  let timer = 0;
  let polls = 0;
  const tick = async () => {
    // A view taken out of the document (its app closed, its sheet gone) stops asking.
    if (stopped || (polls++ > 0 && !element.isConnected)) return;
    await refresh();
    if (!stopped) timer = window.setTimeout(tick, POLL_MS);
  };
  if (options.thread) {
    show(options.thread.messages);
    markRead();
    polls = 1;
    timer = window.setTimeout(tick, POLL_MS);
  } else tick();
  return {
    element,
    stop() {
      stopped = true;
      window.clearTimeout(timer);
    },
  };
}
