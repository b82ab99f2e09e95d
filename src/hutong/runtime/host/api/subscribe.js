// @ts-check
/**
 * Subscription messages, the host's side: wx.requestSubscribeMessage draws its dialog here, in the
 * host document over the app (no page frame can see, draw or press it), and the user's answers go to
 * the platform with the host's session and CSRF token, which no mini program code can reach.
 *
 * The logic thread lets the call through only inside a tap (logic/gesture.js); the host also wants
 * the browser's own proof of a recent user gesture (`navigator.userActivation`, which a click in a
 * page frame gives the host page and which no script can make), so a logic thread that forged the
 * call still cannot ask out of the blue. Errors carry WeChat's errCode: 10001 empty, 10004 not
 * strings, 20001 unknown template, 20002 mixed kinds, 20003 more than 5, 20004 main switch off.
 * The dialog is a host sheet (host/sheets.js), one per app at a time. The shell's Me → Authorizations
 * and wx.openSetting use `subscriptionRows` for the switches.
 */
import { userActed } from '../activation.js';
import { aboutApp } from './consent.js';
import { signedIn } from './login.js';
import { SheetBusy, sheetShowing, showSheet } from '../sheets.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */
/** @typedef {{id: string, title: string, type: number, status: string, keywords: string[]}} AskItem */
/** @typedef {{mainSwitch: boolean, itemSettings: Record<string, string>, items: {id: string, title: string, type: number, setting: string}[]}} Subscriptions */

const MAX_IDS = 5;

/** An Error whose errCode reaches the app's fail callback. @param {number} errCode @param {string} message */
function failure(errCode, message) {
  return Object.assign(new Error(message), { errCode });
}

/** @param {string} csrf @param {string} method @param {string} url @param {any} [body] */
async function call(csrf, method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: body === undefined ? { 'X-CSRF-Token': csrf } : { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (typeof data?.errCode === 'number') throw failure(data.errCode, data.detail || 'refused');
    throw new Error(data?.detail || `${response.status}`);
  }
  return data;
}

const base = (/** @type {string} */ appid) => `/api/me/subscribe/${encodeURIComponent(appid)}`;

/** The user's switches for `appid` (signed in), or the untouched defaults (a guest). @param {string} appid */
export async function readSubscriptions(appid) {
  const response = await fetch(base(appid), { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (!response?.ok) return /** @type {Subscriptions} */ ({ mainSwitch: true, itemSettings: {}, items: [] });
  return /** @type {Subscriptions} */ (await response.json());
}

/** wx.getSetting's subscriptionsSetting. @param {string} appid */
export async function subscriptionsSetting(appid) {
  const { mainSwitch, itemSettings } = await readSubscriptions(appid);
  return { mainSwitch, itemSettings };
}

/**
 * The switches for one app's messages: the main switch and each kept choice. Used by wx.openSetting
 * and Me → Authorizations; each change is saved at once.
 * @param {string} appid @param {string} csrf
 */
export async function subscriptionRows(appid, csrf) {
  const state = await readSubscriptions(appid);
  if (!state.items.length && state.mainSwitch) return [];
  /** @param {string} label @param {boolean} on @param {(on: boolean) => any} save @param {string} name */
  const row = (label, on, save, name) => {
    const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', role: 'switch', checked: on, 'aria-label': label }));
    box.dataset.subscription = name;
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        await call(csrf, 'PATCH', base(appid), save(box.checked));
      } catch {
        box.checked = !box.checked;
      } finally {
        box.disabled = false;
      }
    });
    return el('label', { className: 'hutong-settings-row' }, [el('span', {}, [label]), box]);
  };
  return [
    el('div', { className: 'hutong-settings-heading' }, ['订阅消息 Notifications']),
    row('接收通知 Receive notifications', state.mainSwitch, (on) => ({ mainSwitch: on }), 'main'),
    ...state.items
      .filter((item) => item.setting !== 'ban')
      .map((item) => row(item.title, item.setting === 'accept', (on) => ({ itemSettings: { [item.id]: on ? 'accept' : 'reject' } }), item.id)),
  ];
}

/**
 * The dialog, a host sheet (host/sheets.js): the app, each template title to tick (all ticked at
 * first), "always keep this choice", Cancel (reject all) and Allow (accept the ticked). Resolves with
 * the choices and keep; dismissing the sheet rejects all. Throws SheetBusy while another sheet shows.
 * @param {MiniProgram} mp @param {AskItem[]} items
 * @returns {Promise<{choices: Record<string, string>, keep: boolean}>}
 */
async function dialog(mp, items) {
  const about = await aboutApp(mp);
  const longTerm = items[0]?.type === 3;
  const rejectAll = { choices: Object.fromEntries(items.map((item) => [item.id, 'reject'])), keep: false };
  return showSheet(mp, {
    name: 'subscribe',
    title: `${about.name} ${longTerm ? '请求长期向你发送以下消息' : '请求向你发送以下消息'}`,
    cancel: rejectAll,
    build(sheet) {
      const boxes = items.map((item) => {
        const box = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', checked: true, 'aria-label': item.title }));
        box.dataset.tmplId = item.id;
        return box;
      });
      const keep = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', className: 'hutong-subscribe-keep-box' }));
      /** @param {boolean} allow */
      const answer = (allow) => () =>
        sheet.close({ choices: Object.fromEntries(items.map((item, i) => [item.id, allow && boxes[i].checked ? 'accept' : 'reject'])), keep: keep.checked });
      const rows = items.map((item, i) =>
        el('label', { className: 'hutong-subscribe-item' }, [
          boxes[i],
          el('span', { className: 'hutong-subscribe-title' }, [item.title]),
          ...(item.keywords.length ? [el('span', { className: 'hutong-subscribe-keywords' }, [item.keywords.join(' · ')])] : []),
        ]),
      );
      sheet.body.append(
        ...rows,
        el('label', { className: 'hutong-subscribe-keep' }, [keep, ' 总是保持以上选择，不再询问 Always keep this choice']),
        el('div', { className: 'hutong-consent-buttons' }, [
          el('button', { type: 'button', className: 'hutong-consent-deny', onclick: answer(false) }, ['取消']),
          el('button', { type: 'button', className: 'hutong-consent-allow', onclick: answer(true) }, ['允许']),
        ]),
      );
      /** @type {HTMLElement | null} */ (sheet.body.querySelector('.hutong-consent-allow'))?.focus();
    },
  });
}

/**
 * Each app's last request still being decided: a second request waits for it, so a quick second tap
 * reads the choice the first one just saved instead of asking again.
 * @type {WeakMap<MiniProgram, Promise<unknown>>}
 */
const deciding = new WeakMap();

export const subscribe = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async requestSubscribeMessage(mp, args) {
    const ids = Array.isArray(args.tmplIds) ? args.tmplIds : [];
    if (!ids.length) throw failure(10001, "TmplIds can't be empty");
    if (ids.some((id) => typeof id !== 'string' || !id)) throw failure(10004, 'Invalid template id');
    if (ids.length > MAX_IDS) throw failure(20003, 'Templates count out of max bounds');
    if (!userActed()) throw failure(10005, 'can only be invoked by user TAP gesture.');
    if (sheetShowing(mp)) throw failure(10005, 'Fail to show subscribe dialog');
    const before = deciding.get(mp);
    const request = (async () => {
      await before?.catch(() => undefined);
      return ask(mp, ids);
    })();
    deciding.set(mp, request);
    return request;
  },
};

/** One request, once any earlier one of the app's is decided. @param {MiniProgram} mp @param {string[]} ids */
async function ask(mp, ids) {
  const user = await signedIn(mp);
  const csrf = user.csrf_token || '';
  const asked = await call(csrf, 'POST', `${base(mp.appid)}/ask`, { tmplIds: ids });
  /** @type {AskItem[]} */
  const items = asked.items;
  const open = items.filter((item) => item.status === 'ask');
  /** @type {{choices: Record<string, string>, keep: boolean}} */
  let decision = { choices: {}, keep: false };
  if (open.length) {
    try {
      decision = await dialog(mp, open);
    } catch (error) {
      if (error instanceof SheetBusy) throw failure(10005, 'Fail to show subscribe dialog');
      throw error;
    }
  }
  const { results } = await call(csrf, 'POST', `${base(mp.appid)}/decide`, { tmplIds: ids, ...decision });
  return results;
}
