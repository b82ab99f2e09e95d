// @ts-check
/**
 * The user's profile, only as the user gives it: wx.getUserProfile (a sheet the host draws with the
 * host account's nickname and avatar and the app's reason), wx.getUserInfo (WeChat's anonymous
 * answer), `button open-type="chooseAvatar"` (the user picks an image or the host avatar; the app
 * gets a temporary file), `input type="nickname"` (the host offers the host nickname above the page;
 * the page gets it only when the user taps it) and `open-data` (the frame draws the nickname and
 * avatar it is sent; the logic thread never sees them, and without consent they are anonymous).
 */
import { hostProfile, readScopes } from './consent-store.js';
import { consentDialog, decide, decisionListeners } from './consent.js';
import { pickFiles } from './media.js';
import { newTempFile } from './transfer-files.js';
import { el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** WeChat's grey silhouette for anyone who has not shared an avatar. */
export const DEFAULT_AVATAR = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 132 132"><rect width="132" height="132" fill="#dcdcdc"/><circle cx="66" cy="52" r="24" fill="#fff"/><path d="M22 124c4-26 22-40 44-40s40 14 44 40z" fill="#fff"/></svg>',
)}`;
export const ANONYMOUS = '微信用户';

/** @param {string} nickName @param {string} avatarUrl @param {string} language */
function userInfo(nickName, avatarUrl, language) {
  return { nickName, avatarUrl, gender: 0, country: '', province: '', city: '', language };
}

/** The host avatar as bytes and a data: URL (the app's frames cannot load the host's own URL). */
async function avatarData(/** @type {string} */ url) {
  if (!url) return null;
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) return null;
  const blob = await response.blob();
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  return { bytes: await blob.arrayBuffer(), type: blob.type, dataUrl: /** @type {string} */ (dataUrl) };
}

/** What the host shows as "you": the account's nickname and avatar, or anonymous for a guest. */
async function me() {
  const profile = await hostProfile().catch(() => ({ signedIn: false, nickname: '', avatarUrl: '' }));
  const avatar = await avatarData(profile.avatarUrl).catch(() => null);
  return { signedIn: profile.signedIn, nickname: profile.nickname || ANONYMOUS, avatar };
}

// -- open-data: the frames that show the user, redrawn when a decision changes ---------------------

/** @type {WeakMap<MiniProgram, Map<any, Set<number>>>} page → open-data elements (node ids) */
const openDataViews = new WeakMap();

/** What open-data may draw for this app: the real profile only once the user allowed scope.userInfo. @param {MiniProgram} mp */
async function openDataFor(mp) {
  const setting = await readScopes(mp.appid).catch(() => ({}));
  if (/** @type {any} */ (setting)['scope.userInfo'] === true) {
    const you = await me();
    return { ...userInfo(you.nickname, you.avatar?.dataUrl || DEFAULT_AVATAR, 'zh_CN'), allowed: true };
  }
  return { ...userInfo(ANONYMOUS, DEFAULT_AVATAR, 'zh_CN'), allowed: false };
}

/** @param {MiniProgram} mp */
async function redrawOpenData(mp) {
  const views = openDataViews.get(mp);
  if (!views?.size) return;
  const data = await openDataFor(mp);
  for (const [page, targets] of views) {
    if (!page.port) continue;
    for (const target of targets) page.port.postMessage({ t: 'component:call', target, method: 'openData', args: [data] });
  }
}
decisionListeners.add((mp) => {
  redrawOpenData(mp);
});

// -- input type="nickname": the suggestion above the page ------------------------------------------

/** @type {WeakMap<MiniProgram, {layer: HTMLElement, hide: number}>} */
const nicknameBars = new WeakMap();

/** @param {MiniProgram} mp */
function hideNickname(mp) {
  const bar = nicknameBars.get(mp);
  if (!bar) return;
  bar.layer.remove();
  nicknameBars.delete(mp);
}

/**
 * Messages page frames send the host about these components (miniprogram.js hands them here).
 * @type {Record<string, (mp: MiniProgram, page: any, message: Record<string, any>) => void>}
 */
export const profileViewMessages = {
  async 'open-data'(mp, page, message) {
    let views = openDataViews.get(mp);
    if (!views) openDataViews.set(mp, (views = new Map()));
    for (const known of views.keys()) if (!known.port) views.delete(known);
    let targets = views.get(page);
    if (!targets) views.set(page, (targets = new Set()));
    targets.add(Number(message.target));
    const data = await openDataFor(mp);
    page.port?.postMessage({ t: 'component:call', target: message.target, method: 'openData', args: [data] });
  },
  async nickname(mp, page, message) {
    const bar = nicknameBars.get(mp);
    if (message.action === 'blur') {
      // Tapping the suggestion blurs the field first: leave the bar a moment to be pressed.
      if (bar) bar.hide = window.setTimeout(() => hideNickname(mp), 300);
      return;
    }
    if (message.action !== 'focus') return;
    hideNickname(mp);
    const you = await me();
    if (!you.signedIn || you.nickname === ANONYMOUS) return;
    const layer = overlay(mp, 'hutong-nickname-layer', false);
    const choose = el('button', { type: 'button', className: 'hutong-nickname-use' }, [
      ...(you.avatar ? [el('img', { src: you.avatar.dataUrl, alt: '' })] : []),
      el('span', {}, ['用微信昵称 ']),
      el('strong', {}, [you.nickname]),
    ]);
    choose.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      hideNickname(mp);
      page.port?.postMessage({ t: 'component:call', target: message.target, method: 'nickname', args: [you.nickname] });
    });
    layer.appendChild(el('div', { className: 'hutong-nickname-bar', role: 'toolbar', 'aria-label': 'Nickname suggestion' }, [choose]));
    nicknameBars.set(mp, { layer, hide: 0 });
  },
};

/** @param {MiniProgram} mp @param {{bytes: ArrayBuffer, type: string}} file */
function avatarFile(mp, file) {
  const made = newTempFile(mp, file.bytes, file.type || 'image/png', 'avatar.png');
  return { avatarUrl: made.path, bytes: made.bytes };
}

export const profile = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getUserProfile(mp, args) {
    const desc = String(args.desc ?? '');
    if (!desc || desc.length > 30) throw new Error('desc length does not meet the requirements');
    const you = await me();
    const card = el('div', { className: 'hutong-profile-card' }, [
      el('img', { className: 'hutong-profile-avatar', src: you.avatar?.dataUrl || DEFAULT_AVATAR, alt: '' }),
      el('span', { className: 'hutong-profile-nickname' }, [you.nickname]),
    ]);
    const allowed = await consentDialog(mp, 'scope.userInfo', { title: '获取你的昵称、头像', detail: el('div', {}, [el('div', { className: 'hutong-consent-reason' }, [desc]), card]) });
    if (!allowed) throw new Error('auth deny');
    await decide(mp, { 'scope.userInfo': true });
    const info = userInfo(you.nickname, you.avatar?.dataUrl || DEFAULT_AVATAR, String(args.lang || 'en'));
    return { userInfo: info, rawData: JSON.stringify(info) };
  },
  /** @param {MiniProgram} _mp @param {Record<string, any>} args */
  getUserInfo(_mp, args) {
    const info = userInfo(ANONYMOUS, DEFAULT_AVATAR, String(args.lang || 'en'));
    return { userInfo: info, rawData: JSON.stringify(info) };
  },
  /** `button open-type="chooseAvatar"`: the host avatar or an image the user picks. @param {MiniProgram} mp */
  async hutongChooseAvatar(mp) {
    const you = await me();
    const choice = await new Promise((resolve) => {
      const layer = overlay(mp, 'hutong-sheet-layer hutong-avatar-layer');
      /** @param {string} value */
      const pick = (value) => () => {
        layer.remove();
        resolve(value);
      };
      const items = [
        ...(you.avatar ? [el('button', { type: 'button', className: 'hutong-sheet-item hutong-avatar-host', onclick: pick('host') }, ['用微信头像'])] : []),
        el('button', { type: 'button', className: 'hutong-sheet-item hutong-avatar-album', onclick: pick('album') }, ['从相册选择']),
        el('button', { type: 'button', className: 'hutong-sheet-item hutong-sheet-cancel', onclick: pick('cancel') }, ['取消']),
      ];
      layer.appendChild(el('div', { className: 'hutong-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Choose an avatar' }, items));
    });
    if (choice === 'host' && you.avatar) return avatarFile(mp, you.avatar);
    if (choice !== 'album') throw new Error('cancel');
    const [file] = await pickFiles(mp, 'image/*', false);
    return avatarFile(mp, { bytes: await file.arrayBuffer(), type: file.type });
  },
};
