// @ts-check
/**
 * Chats in Messages: the user's chats and groups, a conversation (text, images, mini program cards,
 * read state), contacts (my add-me link, a friend's link or code, requests to accept or refuse) and new
 * groups. One live connection (WebSocket /api/me/chats/live) brings every chat event; after a drop it
 * reconnects and resumes from the last number it saw in each chat, so nothing is missed or doubled.
 * A card opens its mini program through the platform, which answers the launch (scene 1007, 1008 or
 * 1044 with a shareTicket) and counts the open against the share.
 */
import { api, session } from './api.js';

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  // Attributes with a dash (aria-*, data-*) are attributes; the rest are properties.
  for (const [key, value] of Object.entries(props)) {
    if (key.includes('-')) node.setAttribute(key, String(value));
    else /** @type {any} */ (node)[key] = value;
  }
  node.append(...children);
  return node;
}

/** The live connection: one per signed-in host page. */
class Live {
  constructor() {
    /** @type {WebSocket | null} */
    this.socket = null;
    /** The last message number seen per chat: what a reconnect resumes from. @type {Record<string, number>} */
    this.since = {};
    /** @type {Set<(event: any) => void>} */
    this.listeners = new Set();
    this.retry = 500;
    this.stopped = true;
  }

  start() {
    if (!this.stopped || !session.user) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.socket?.close();
    this.socket = null;
  }

  connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/me/chats/live`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ t: 'hello', csrf: session.user?.csrf_token || '', since: this.since }));
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data));
      if (event.t === 'ready') {
        this.retry = 500;
        for (const [chat, seq] of Object.entries(event.chats || {})) this.since[chat] = Math.max(this.since[chat] || 0, Number(seq));
      }
      if (event.t === 'message') this.since[String(event.chat_id)] = Math.max(this.since[String(event.chat_id)] || 0, event.seq);
      for (const listener of this.listeners) listener(event);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.socket = null;
      // Refused (not signed in, wrong origin or token): do not knock again. Too many connects a minute
      // (another tab or a reload loop): come back when the server's minute has passed. Otherwise soon.
      if (this.stopped || [4401, 4403].includes(event.code)) return;
      if (event.code === 4429) {
        setTimeout(() => this.connect(), 60000);
        return;
      }
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 15000);
    };
  }
}

export const live = new Live();

/** @param {any} message */
export function previewOf(message) {
  if (!message) return '';
  if (message.type === 'text') return message.body.content;
  if (message.type === 'image') return '[Image]';
  if (message.type === 'miniprogram') return `[Mini program] ${message.body.title}`;
  return '';
}

/**
 * @param {{openLaunch: (appid: string, launch: Record<string, any>) => void, refresh: () => void}} host
 */
export function chatsUi(host) {
  /** @type {((event: any) => void) | null} */
  let onEvent = null;
  live.listeners.add((event) => {
    onEvent?.(event);
    if (event.t === 'message' || event.t === 'request' || event.t === 'contact') host.refresh();
  });

  /** Open a card: the platform answers the launch and counts the open. @param {any} body */
  async function openCard(body) {
    const launch = await api(`/api/me/shares/${encodeURIComponent(body.share_id)}/open`, { method: 'POST', json: {} });
    host.openLaunch(launch.appid, {
      path: launch.path,
      query: launch.query,
      scene: launch.scene,
      ...(launch.shareTicket ? { shareTicket: launch.shareTicket } : {}),
      ...(launch.chatType ? { chatType: launch.chatType } : {}),
    });
  }

  /** @param {any} message @param {number} me */
  function messageNode(message, me) {
    const mine = message.sender?.id === me;
    if (message.type === 'system') {
      const b = message.body;
      const text = { created: `${b.by?.name} created the group`, joined: `${b.who?.name} joined`, left: `${b.who?.name} left`, renamed: `${b.by?.name} renamed the group “${b.name}”` }[String(b.event)] || '';
      return el('li', { className: 'chat-system', 'data-seq': message.seq }, [text]);
    }
    /** @type {Node} */
    let content;
    if (message.type === 'image') content = el('img', { src: message.body.url, alt: 'Image', className: 'chat-image' });
    else if (message.type === 'miniprogram') {
      const b = message.body;
      const card = el('button', { type: 'button', className: 'chat-card' }, [
        el('span', { className: 'chat-card-app', textContent: b.app_name }),
        el('strong', { className: 'chat-card-title', textContent: b.title }),
        ...(b.image_url ? [el('img', { src: b.image_url, alt: '', className: 'chat-card-image' })] : []),
        el('span', { className: 'chat-card-foot', textContent: 'Mini program' }),
      ]);
      card.addEventListener('click', () => openCard(b).catch((error) => alert(error.message)));
      content = card;
    } else content = el('span', { className: 'chat-text', textContent: message.body.content });
    return el('li', { className: `chat-message${mine ? ' mine' : ''}`, 'data-seq': message.seq }, [
      ...(mine ? [] : [el('span', { className: 'chat-sender', textContent: message.sender?.name || '' })]),
      content,
    ]);
  }

  /** A conversation. @param {HTMLElement} body @param {any} chat @param {() => void} back */
  async function conversation(body, chat, back) {
    const me = session.user?.id || 0;
    const list = el('ul', { className: 'chat-messages', id: 'chat-messages' });
    list.setAttribute('aria-label', chat.name);
    const input = /** @type {HTMLInputElement} */ (el('input', { className: 'chat-input', placeholder: 'Message', maxLength: 2000 }));
    input.setAttribute('aria-label', 'Message');
    const form = el('form', { className: 'chat-compose' }, [input, el('button', { type: 'submit', textContent: 'Send' })]);
    const backButton = el('button', { type: 'button', className: 'link', textContent: '‹ Messages' });
    backButton.addEventListener('click', () => {
      onEvent = null;
      back();
    });
    const head = el('div', { className: 'chat-head' }, [backButton, el('strong', { textContent: chat.name })]);
    if (chat.kind === 'group') head.append(el('small', { className: 'chat-invite', textContent: `Invite: ${location.origin}/join/${chat.invite_code}` }));
    body.replaceChildren(head, list, form);
    let last = 0;
    /** @param {any} message */
    const add = (message) => {
      if (message.seq <= last) return;
      last = message.seq;
      list.append(messageNode(message, me));
      list.scrollTop = list.scrollHeight;
    };
    const read = () => api(`/api/me/chats/${chat.id}/read`, { method: 'POST', json: { seq: last } }).catch(() => undefined);
    onEvent = (event) => {
      if (event.t === 'message' && event.chat_id === chat.id) {
        // A number past a gap: fetch what came between (the live connection already orders them).
        add(event.message);
        read();
      }
    };
    for (const message of await api(`/api/me/chats/${chat.id}/messages`)) add(message);
    read();
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const content = input.value;
      if (!content.trim()) return;
      input.value = '';
      add(await api(`/api/me/chats/${chat.id}/messages`, { method: 'POST', json: { content } }));
    });
  }

  /** Contacts: my link, add by a friend's link or code, requests. @param {HTMLElement} body @param {() => void} back @param {string} [code] */
  async function contactsView(body, back, code = '') {
    onEvent = null;
    const backButton = el('button', { type: 'button', className: 'link', textContent: '‹ Messages' });
    backButton.addEventListener('click', back);
    const mine = await api('/api/me/friend-code');
    const field = /** @type {HTMLInputElement} */ (el('input', { value: code, placeholder: 'Friend’s link or code' }));
    field.setAttribute('aria-label', 'Friend’s link or code');
    const status = el('p', { className: 'chat-status', role: 'status' });
    const add = el('form', { className: 'chat-add' }, [field, el('button', { type: 'submit', textContent: 'Add friend' })]);
    add.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = field.value.trim().replace(/^.*\/add\//, '');
      try {
        const sent = await api('/api/me/contacts/requests', { method: 'POST', json: { code: value } });
        status.textContent = sent.state === 'accepted' ? `You and ${sent.to.name} are now contacts` : `Request sent to ${sent.to.name}`;
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error);
      }
    });
    const requests = await api('/api/me/contacts/requests');
    const incoming = el('ul', { className: 'chat-requests', id: 'chat-requests' });
    for (const request of requests.incoming) {
      const accept = el('button', { type: 'button', textContent: 'Accept' });
      const refuse = el('button', { type: 'button', textContent: 'Refuse' });
      const decide = (/** @type {string} */ decision) => async () => {
        await api(`/api/me/contacts/requests/${request.id}/${decision}`, { method: 'POST', json: {} });
        contactsView(body, back);
      };
      accept.addEventListener('click', decide('accept'));
      refuse.addEventListener('click', decide('refuse'));
      incoming.append(el('li', {}, [el('span', { textContent: request.from.name }), accept, refuse]));
    }
    const people = el('ul', { className: 'chat-contacts' });
    for (const person of await api('/api/me/contacts')) people.append(el('li', { textContent: person.name }));
    body.replaceChildren(
      backButton,
      el('h3', { textContent: 'My add-me link' }),
      el('input', { readOnly: true, value: mine.link, className: 'chat-mylink', 'aria-label': 'My add-me link' }),
      el('img', { src: '/api/me/friend-code.png', alt: 'My QR code: a friend scans it to add me', className: 'chat-myqr' }),
      add,
      status,
      ...(requests.incoming.length ? [el('h3', { textContent: 'Friend requests' }), incoming] : []),
      el('h3', { textContent: 'Contacts' }),
      people,
    );
    if (code) field.focus();
  }

  /** A new group from contacts. @param {HTMLElement} body @param {() => void} back @param {(chat: any) => void} opened */
  async function newGroup(body, back, opened) {
    onEvent = null;
    const backButton = el('button', { type: 'button', className: 'link', textContent: '‹ Messages' });
    backButton.addEventListener('click', back);
    const name = /** @type {HTMLInputElement} */ (el('input', { placeholder: 'Group name', maxLength: 64 }));
    name.setAttribute('aria-label', 'Group name');
    const boxes = el('ul', { className: 'chat-contacts' });
    for (const person of await api('/api/me/contacts')) {
      boxes.append(el('li', {}, [el('label', {}, [el('input', { type: 'checkbox', value: String(person.id) }), ` ${person.name}`])]));
    }
    const form = el('form', { className: 'chat-group' }, [name, boxes, el('button', { type: 'submit', textContent: 'Create group' })]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const members = [...boxes.querySelectorAll('input:checked')].map((box) => Number(/** @type {HTMLInputElement} */ (box).value));
      opened(await api('/api/me/chats/groups', { method: 'POST', json: { name: name.value || 'Group', members } }));
    });
    body.replaceChildren(backButton, form);
  }

  /**
   * The chats block at the top of Messages.
   * @param {HTMLElement} body the sheet's body (views replace its content) @param {() => void} back
   */
  async function section(body, back) {
    onEvent = null;
    const chats = await api('/api/me/chats').catch(() => []);
    const addButton = el('button', { type: 'button', className: 'link', textContent: 'Contacts · add friend' });
    addButton.addEventListener('click', () => contactsView(body, back));
    const groupButton = el('button', { type: 'button', className: 'link', textContent: 'New group' });
    /** @param {any} chat */
    const open = (chat) => conversation(body, chat, back);
    groupButton.addEventListener('click', () => newGroup(body, back, open));
    const list = el('ul', { className: 'messages-list', id: 'chats-list' });
    list.setAttribute('aria-label', 'Chats');
    for (const chat of chats) {
      const row = el('button', { type: 'button', className: 'messages-row', 'data-chat': chat.id }, [
        el('span', { className: 'messages-name', textContent: chat.name }),
        el('span', { className: 'messages-preview', textContent: chat.preview }),
        ...(chat.unread ? [el('span', { className: 'unread', textContent: String(chat.unread) })] : []),
      ]);
      row.addEventListener('click', () => open(chat));
      list.append(el('li', {}, [row]));
    }
    return el('div', { className: 'chats' }, [el('div', { className: 'chat-actions' }, [addButton, groupButton]), list]);
  }

  /** An add-me link or a group invitation opened the host. @param {HTMLElement} body @param {() => void} back */
  async function fromAddress(body, back) {
    const [, kind, code] = location.pathname.match(/^\/(add|join)\/([A-Za-z0-9_-]+)$/) || [];
    if (!kind) return false;
    history.replaceState(null, '', '/');
    if (kind === 'add') await contactsView(body, back, code);
    else await conversation(body, await api('/api/me/chats/join', { method: 'POST', json: { code } }), back);
    return true;
  }

  /** How many chat messages are unread. */
  async function unread() {
    const chats = await api('/api/me/chats').catch(() => []);
    return chats.reduce((sum, /** @type {any} */ c) => sum + c.unread, 0);
  }

  return { section, fromAddress, unread, conversation };
}
