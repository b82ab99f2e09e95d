// @ts-check
/**
 * Scopes and consent, as WeChat has them: wx.authorize asks once per scope (a denied scope fails at
 * once, "auth deny", without asking again), wx.getSetting answers the decided scopes, wx.openSetting
 * shows the app's settings where the user flips them. Every question is drawn here, in the host
 * document over the running app: no page frame can see, draw or press it. The reason an app gives
 * (app.json `permission["scope.x"].desc`) is shown with its name and icon.
 */
import { account, readScopes, writeScopes } from './consent-store.js';
import { subscriptionRows, subscriptionsSetting } from './subscribe.js';
import { el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** What each scope lets an app do: the question (WeChat's words) and a label for the settings. */
export const SCOPES = /** @type {Record<string, {ask: string, label: string}>} */ ({
  'scope.userInfo': { ask: '获取你的昵称、头像', label: 'Nickname and avatar' },
  'scope.userLocation': { ask: '获取你的位置信息', label: 'Location' },
  'scope.userFuzzyLocation': { ask: '获取你的模糊位置信息', label: 'Approximate location' },
  'scope.userLocationBackground': { ask: '在后台获取你的位置信息', label: 'Location in the background' },
  'scope.record': { ask: '使用你的麦克风', label: 'Microphone' },
  'scope.camera': { ask: '使用你的摄像头', label: 'Camera' },
  'scope.bluetooth': { ask: '使用你的蓝牙', label: 'Bluetooth' },
  'scope.writePhotosAlbum': { ask: '保存图片或视频到你的相册', label: 'Save to album' },
  'scope.addPhoneContact': { ask: '添加到你的手机通讯录', label: 'Add to contacts' },
  'scope.addPhoneCalendar': { ask: '添加到你的手机日历', label: 'Add to calendar' },
  'scope.werun': { ask: '获取你的微信运动步数', label: 'WeRun steps' },
  'scope.address': { ask: '获取你的通讯地址', label: 'Address' },
  'scope.invoiceTitle': { ask: '获取你的发票抬头', label: 'Invoice title' },
  'scope.invoice': { ask: '获取你的发票', label: 'Invoices' },
  'scope.clipboard': { ask: '读取你的剪贴板', label: 'Read the clipboard' },
});

/** The app's name and icon for the host's questions (the icon from its public page, when it has one). @type {WeakMap<MiniProgram, Promise<{name: string, icon: string}>>} */
const abouts = new WeakMap();

/** @param {MiniProgram} mp */
export function aboutApp(mp) {
  let about = abouts.get(mp);
  if (!about) {
    const name = /** @type {any} */ (mp).appName || mp.appid;
    about = fetch(`/api/apps/${encodeURIComponent(mp.appid)}/about`, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : {}))
      .then((info) => ({ name: info.name || name, icon: typeof info.icon === 'string' ? info.icon : '' }))
      .catch(() => ({ name, icon: '' }));
    abouts.set(mp, about);
  }
  return about;
}

/** The app's icon, or its first letter. @param {{name: string, icon: string}} about */
function appBadge(about) {
  if (about.icon) return el('img', { className: 'hutong-consent-icon', src: about.icon, alt: '' });
  return el('span', { className: 'hutong-consent-icon', 'aria-hidden': 'true' }, [about.name.slice(0, 1)]);
}

/**
 * A question about one scope, drawn by the host: resolves true (allow) or false (deny).
 * @param {MiniProgram} mp @param {string} scope @param {{title?: string, detail?: string | Node, allow?: string, deny?: string}} [text]
 */
export async function consentDialog(mp, scope, text = {}) {
  const about = await aboutApp(mp);
  // app.json fields without a shape of their own are kept under `app` in app-config.json.
  const reason = String(mp.config?.app?.permission?.[scope]?.desc || '');
  return new Promise((resolve) => {
    const layer = overlay(mp, 'hutong-sheet-layer hutong-consent-layer');
    /** @param {boolean} answer */
    const answer = (answer) => () => {
      layer.remove();
      resolve(answer);
    };
    layer.appendChild(
      el('div', { className: 'hutong-consent', role: 'dialog', 'aria-modal': 'true', 'aria-label': `${about.name} ${text.title || SCOPES[scope]?.ask || scope}` }, [
        el('div', { className: 'hutong-consent-app' }, [appBadge(about), el('span', { className: 'hutong-consent-name' }, [about.name]), ' 申请']),
        el('div', { className: 'hutong-consent-title' }, [text.title || SCOPES[scope]?.ask || scope]),
        ...(reason ? [el('div', { className: 'hutong-consent-reason' }, [reason])] : []),
        ...(text.detail ? [el('div', { className: 'hutong-consent-detail' }, [text.detail])] : []),
        el('div', { className: 'hutong-consent-buttons' }, [
          el('button', { type: 'button', className: 'hutong-consent-deny', onclick: answer(false) }, [text.deny || '拒绝']),
          el('button', { type: 'button', className: 'hutong-consent-allow', onclick: answer(true) }, [text.allow || '允许']),
        ]),
      ]),
    );
    /** @type {HTMLElement | null} */ (layer.querySelector('.hutong-consent-allow'))?.focus();
  });
}

/** One question per scope at a time: concurrent calls share the answer. @type {WeakMap<MiniProgram, Map<string, Promise<boolean>>>} */
const asking = new WeakMap();
/** Told of every decision (open-data redraws itself). @type {Set<(mp: MiniProgram) => void>} */
export const decisionListeners = new Set();

/** @param {MiniProgram} mp @param {Record<string, boolean | null>} changes */
export async function decide(mp, changes) {
  const about = await aboutApp(mp);
  const setting = await writeScopes(mp.appid, changes, about);
  for (const listener of decisionListeners) listener(mp);
  return setting;
}

/**
 * What an API that needs `scope` calls first: passes if allowed, throws "auth deny" if denied, asks
 * (once, remembered) if undecided.
 * @param {MiniProgram} mp @param {string} scope
 */
export async function requireScope(mp, scope) {
  const setting = await readScopes(mp.appid).catch(() => /** @type {Record<string, boolean>} */ ({}));
  if (setting[scope] === true) return;
  if (setting[scope] === false) throw new Error('auth deny');
  let questions = asking.get(mp);
  if (!questions) asking.set(mp, (questions = new Map()));
  let question = questions.get(scope);
  if (!question) {
    question = consentDialog(mp, scope).then(async (allowed) => {
      await decide(mp, { [scope]: allowed });
      return allowed;
    });
    questions.set(scope, question);
    question.finally(() => questions?.delete(scope)).catch(() => {});
  }
  if (!(await question)) throw new Error('auth deny');
}

/**
 * The app's settings page (wx.openSetting, the capsule's Settings): a switch per decided scope.
 * Resolves with the authSetting when the user closes it.
 * @param {MiniProgram} mp @returns {Promise<Record<string, boolean>>}
 */
export async function openSettings(mp) {
  const about = await aboutApp(mp);
  let setting = await readScopes(mp.appid).catch(() => ({}));
  // The app's subscription messages: the main switch and the kept choices (a signed-in user's).
  const user = await account();
  const subscriptions = user ? await subscriptionRows(mp.appid, user.csrf_token || '').catch(() => []) : [];
  const layer = overlay(mp, 'hutong-settings-layer');
  const scopes = Object.keys(setting).filter((scope) => SCOPES[scope]);
  const rows = scopes.map((scope) => {
    const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', role: 'switch', checked: setting[scope], 'aria-label': SCOPES[scope].label }));
    box.dataset.scope = scope;
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        setting = await decide(mp, { [scope]: box.checked });
      } finally {
        box.disabled = false;
      }
    });
    return el('label', { className: 'hutong-settings-row' }, [el('span', {}, [SCOPES[scope].label]), box]);
  });
  return new Promise((resolve) => {
    const done = el('button', { type: 'button', className: 'hutong-settings-done' }, ['完成']);
    done.addEventListener('click', () => {
      layer.remove();
      resolve(setting);
    });
    layer.appendChild(
      el('div', { className: 'hutong-settings', role: 'dialog', 'aria-modal': 'true', 'aria-label': `${about.name} settings` }, [
        el('div', { className: 'hutong-consent-app' }, [appBadge(about), el('span', { className: 'hutong-consent-name' }, [about.name])]),
        el('div', { className: 'hutong-settings-heading' }, [scopes.length ? '允许使用' : 'This mini program has not asked for any permission.']),
        ...rows,
        ...subscriptions,
        done,
      ]),
    );
  });
}

export const consent = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async authorize(mp, args) {
    const scope = String(args.scope || '');
    if (!SCOPES[scope]) throw new Error('invalid scope');
    if (scope === 'scope.userInfo') {
      // As in WeChat: no dialog for the user's profile here; only getUserProfile (a tap) asks.
      const setting = await readScopes(mp.appid).catch(() => ({}));
      if (/** @type {any} */ (setting)[scope] !== true) throw new Error('auth deny');
      return {};
    }
    await requireScope(mp, scope);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async getSetting(mp, args) {
    const authSetting = await readScopes(mp.appid).catch(() => ({}));
    return { authSetting, ...(args.withSubscriptions ? { subscriptionsSetting: await subscriptionsSetting(mp.appid) } : {}) };
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async openSetting(mp, args) {
    const authSetting = await openSettings(mp);
    return { authSetting, ...(args.withSubscriptions ? { subscriptionsSetting: await subscriptionsSetting(mp.appid) } : {}) };
  },
};
