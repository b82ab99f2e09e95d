// @ts-check
/**
 * Messages → Service notifications (服务通知): the subscription messages mini programs sent the
 * signed-in user, grouped by mini program with unread counts. A group shows its messages (title,
 * each keyword and value, when); tapping one opens its page in its mini program, in the version the
 * sender named (miniprogram_state), with WeChat's scene for a subscription message (1014). Opening a
 * group marks its messages read (the platform does, GET /api/me/notifications/{appid}).
 */
import { api } from './api.js';

/** WeChat's scene for a mini program opened from a subscription message. */
export const NOTIFICATION_SCENE = 1014;
/** miniprogram_state → the host's channel. */
const CHANNELS = /** @type {Record<string, string>} */ ({ formal: 'release', trial: 'trial', developer: 'develop' });

/** @typedef {{id: number, title: string, page: string, state: string, data: {key: string, name: string, value: string}[], read: boolean, created_at: string}} Notification */
/** @typedef {{app: {appid: string, name: string, icon: string}, unread: number, last: Notification}} Group */
/** @typedef {(appid: string, path: string, query: Record<string, string>, scene: number, channel: string) => void} Opener */

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The groups, newest first (none for a guest or on error). @returns {Promise<Group[]>} */
export async function notificationGroups() {
  return api('/api/me/notifications').catch(() => []);
}

/** @param {string} when */
const shortTime = (when) => new Date(when).toLocaleString();

/** One message as a card. @param {{appid: string}} app @param {Notification} message @param {Opener} open */
function card(app, message, open) {
  const rows = message.data.map((item) => el('div', { className: 'notification-field' }, [el('span', { className: 'notification-key', textContent: item.name }), el('span', { className: 'notification-value', textContent: item.value })]));
  const node = el('button', { type: 'button', className: 'notification-card' }, [
    el('div', { className: 'notification-title', textContent: message.title }),
    el('div', { className: 'notification-time', textContent: shortTime(message.created_at) }),
    ...rows,
    ...(message.page ? [el('div', { className: 'notification-open', textContent: '进入小程序查看 Open' })] : []),
  ]);
  node.dataset.notification = String(message.id);
  node.disabled = !message.page;
  node.addEventListener('click', () => {
    const [path, search = ''] = message.page.split(/\?(.*)/s);
    open(app.appid, path, Object.fromEntries(new URLSearchParams(search)), NOTIFICATION_SCENE, CHANNELS[message.state] || 'release');
  });
  return node;
}

/** One mini program's messages, newest first. @param {{appid: string, name: string}} app @param {Opener} open */
export async function groupView(app, open) {
  const thread = await api(`/api/me/notifications/${encodeURIComponent(app.appid)}`);
  const list = el('div', { className: 'notifications', id: 'notifications-of-app' });
  list.dataset.appid = app.appid;
  list.append(...thread.messages.map((/** @type {Notification} */ message) => card(app, message, open)));
  return list;
}

/** The groups as rows to tap. @param {Group[]} groups @param {(group: Group) => void} choose */
export function groupsView(groups, choose) {
  if (!groups.length) return el('p', { className: 'empty', textContent: 'No notifications. Mini programs you allow to notify you write here.' });
  const list = el('ul', { id: 'notification-groups', className: 'messages-list' });
  list.setAttribute('aria-label', 'Service notifications');
  for (const group of groups) {
    const row = el('button', { type: 'button', className: 'messages-row' }, [
      ...(group.app.icon?.startsWith('/blobs/') ? [el('img', { src: group.app.icon, alt: '', className: 'messages-icon' })] : []),
      el('span', { className: 'messages-name', textContent: group.app.name }),
      el('span', { className: 'messages-preview', textContent: group.last.title }),
      ...(group.unread ? [el('span', { className: 'unread', textContent: String(group.unread) })] : []),
    ]);
    row.dataset.appid = group.app.appid;
    row.addEventListener('click', () => choose(group));
    list.append(el('li', {}, [row]));
  }
  return list;
}

/**
 * Turn Web Push on in this browser, after the user's tap (the browser asks for permission only then):
 * register the host's service worker (/sw.js), subscribe with the platform's VAPID key and tell the
 * platform where to push. Answers what to tell the user.
 */
export async function enablePush() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error('this browser cannot receive push messages');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('the browser did not allow notifications');
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const { applicationServerKey } = await api('/api/me/push/key');
  const subscription = (await registration.pushManager.getSubscription()) || (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }));
  await api('/api/me/push', { method: 'PUT', json: subscription.toJSON() });
  return 'On: notifications reach this device even when Hutong is closed.';
}

/** The offer to get notifications on this device, with what it means. */
export function pushOffer() {
  const status = el('p', { className: 'hint', id: 'push-status' });
  status.setAttribute('role', 'status');
  const button = el('button', { type: 'button', id: 'push-enable', className: 'link', textContent: 'Notify me on this device' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      status.textContent = await enablePush();
    } catch (error) {
      status.textContent = `Not turned on: ${error instanceof Error ? error.message : error}`;
    } finally {
      button.disabled = false;
    }
  });
  const explain = el('p', { className: 'hint', textContent: 'Get these notifications on this device, even when Hutong is closed. Your browser asks you first.' });
  return el('div', { className: 'push-offer' }, [explain, button, status]);
}
