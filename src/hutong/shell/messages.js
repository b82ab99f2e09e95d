// @ts-check
/**
 * Messages (home → Messages): the signed-in user's customer service conversations with mini programs,
 * newest first, each with its unread replies; one opens in the sheet with the same thread view the
 * contact button shows over a running app (/_rt/host/api/support-thread.js). A card the app sent
 * opens the mini program at its page. Above them, "Service notifications": the subscription messages
 * mini programs sent (notifications.js).
 */
import { api, session } from './api.js';
import { groupView, groupsView, notificationGroups, pushOffer } from './notifications.js';
import { cardTarget, threadView } from '../host/api/support-thread.js';
import { chatsUi, live } from './chats.js';

/** WeChat's scene for a mini program card opened from a customer service conversation. */
const CARD_SCENE = 1073;

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** @param {{type: string, body: Record<string, string>} | null} message */
function preview(message) {
  if (!message) return '';
  if (message.type === 'text') return message.body.content || '';
  return { image: '[Image]', link: `[Link] ${message.body.title || ''}`, miniprogrampage: `[Mini program] ${message.body.title || ''}` }[message.type] || '';
}

/**
 * Wire the Messages button and sheet.
 * @param {{openSheet: (id: string) => void, openApp: (appid: string, path: string, query: Record<string, string>, scene: number, channel?: string) => void, openLaunch: (appid: string, launch: Record<string, any>) => void}} host
 * @returns {{refresh: () => Promise<void>, stop: () => void, openAddress: () => Promise<boolean>}}
 */
export function initMessages(host) {
  const button = /** @type {HTMLElement} */ (document.getElementById('messages'));
  const badge = /** @type {HTMLElement} */ (document.getElementById('messages-badge'));
  const body = /** @type {HTMLElement} */ (document.getElementById('messages-body'));
  const title = /** @type {HTMLElement} */ (document.getElementById('messages-title'));
  /** @type {{stop: () => void} | null} */
  let open = null;
  // Chats between people (chats.js); a card opens its mini program with the launch the platform gives.
  const chats = chatsUi({ openLaunch: host.openLaunch, refresh: () => refresh() });

  const stop = () => {
    if (open) refresh();  // what the thread marked read no longer counts
    open?.stop();
    open = null;
  };

  const refresh = async () => {
    button.hidden = !session.user;
    if (!session.user) {
      live.stop();
      return;
    }
    live.start();
    const [conversations, groups, chatUnread] = await Promise.all([api('/api/me/support').catch(() => []), notificationGroups(), chats.unread()]);
    const unread = [...conversations, ...groups].reduce((sum, /** @type {any} */ c) => sum + c.unread, chatUnread);
    badge.textContent = unread ? String(unread) : '';
    badge.hidden = !unread;
  };

  /** @param {{appid: string, name: string}} app */
  const showThread = (app) => {
    stop();
    title.textContent = app.name;
    const back = el('button', { type: 'button', className: 'link', textContent: '‹ Messages' });
    back.addEventListener('click', showList);
    const view = threadView({
      appid: app.appid,
      appName: app.name,
      csrf: session.user?.csrf_token || '',
      onCard: (pagepath) => {
        stop();
        const { path, query } = cardTarget(pagepath);
        host.openApp(app.appid, path, query, CARD_SCENE);
      },
    });
    open = view;
    body.replaceChildren(back, view.element);
  };

  /** @param {{appid: string, name: string}} app */
  const showNotificationsOf = async (app) => {
    title.textContent = `${app.name} · 服务通知`;
    const back = el('button', { type: 'button', className: 'link', textContent: '‹ Service notifications' });
    back.addEventListener('click', showNotifications);
    const view = await groupView(app, (appid, path, query, scene, channel) => host.openApp(appid, path, query, scene, channel)).catch(() => el('p', { className: 'empty', textContent: 'Could not load the notifications.' }));
    body.replaceChildren(back, view);
    refresh();
  };

  async function showNotifications() {
    stop();
    title.textContent = '服务通知 Service notifications';
    const back = el('button', { type: 'button', className: 'link', textContent: '‹ Messages' });
    back.addEventListener('click', showList);
    body.replaceChildren(back, groupsView(await notificationGroups(), (group) => showNotificationsOf(group.app)), pushOffer());
  }

  async function showList() {
    stop();
    host.openSheet('messages-sheet');
    title.textContent = 'Messages';
    body.replaceChildren(el('p', { textContent: 'Loading…' }));
    const [conversations, groups] = await Promise.all([api('/api/me/support').catch(() => []), notificationGroups()]);
    const unreadNotifications = groups.reduce((sum, group) => sum + group.unread, 0);
    const notices = el('button', { type: 'button', className: 'messages-row', id: 'service-notifications' }, [
      el('span', { className: 'messages-name', textContent: '服务通知 Service notifications' }),
      el('span', { className: 'messages-preview', textContent: groups[0] ? `${groups[0].app.name}: ${groups[0].last.title}` : '' }),
      ...(unreadNotifications ? [el('span', { className: 'unread', textContent: String(unreadNotifications) })] : []),
    ]);
    notices.addEventListener('click', showNotifications);
    const chatBlock = await chats.section(body, showList);
    if (!conversations.length) {
      body.replaceChildren(chatBlock, notices, el('p', { className: 'empty', textContent: 'No messages. Mini programs’ customer service answers you here.' }));
      return;
    }
    const list = el('ul', { id: 'messages-list', className: 'messages-list' });
    list.setAttribute('aria-label', 'Conversations');
    for (const c of conversations) {
      const row = el('button', { type: 'button', className: 'messages-row' }, [
        ...(c.app.icon?.startsWith('/blobs/') ? [el('img', { src: c.app.icon, alt: '', className: 'messages-icon' })] : []),
        el('span', { className: 'messages-name', textContent: c.app.name }),
        el('span', { className: 'messages-preview', textContent: preview(c.last) }),
        ...(c.unread ? [el('span', { className: 'unread', textContent: String(c.unread) })] : []),
      ]);
      row.addEventListener('click', () => showThread(c.app));
      list.append(el('li', {}, [row]));
    }
    body.replaceChildren(chatBlock, notices, list);
    refresh();
  }

  button.addEventListener('click', showList);
  /** The host was opened at an add-me link or a group invitation (signed in). */
  const openAddress = async () => {
    if (!session.user || !/^\/(add|join)\//.test(location.pathname)) return false;
    host.openSheet('messages-sheet');
    title.textContent = 'Messages';
    return chats.fromAddress(body, showList);
  };
  return { refresh, stop, openAddress };
}
