// @ts-check
/**
 * Identity, the host's side: wx.login, wx.checkSession, `<button open-type="getPhoneNumber">` and
 * hutong.getLaunchData. The host calls the platform with its own session cookie and CSRF token, which
 * no mini program code can reach. A guest is asked to sign in (the shell's sheet, outside every frame);
 * declining fails the call ("user not signed in"). The phone number sheet is drawn here, above the
 * app's frames: the app learns the number only through its server, with the code given on "Allow".
 */
import { ask, el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */
/** @typedef {{id: number, email: string, csrf_token: string | null}} HostUser */

/** @returns {Promise<HostUser | null>} */
async function hostUser() {
  const response = await fetch('/api/accounts/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) return null;
  return (await response.json()).user || null;
}

/** The signed-in user; a guest is asked to sign in first. @param {MiniProgram} mp @returns {Promise<HostUser>} */
export async function signedIn(mp) {
  let user = await hostUser();
  if (user) return user;
  const requestSignIn = /** @type {any} */ (mp).requestSignIn;
  if (typeof requestSignIn === 'function' && (await requestSignIn(`“${mp.appName || mp.appid}” asks you to sign in`))) {
    user = await hostUser();
  }
  if (!user) throw new Error('user not signed in');
  return user;
}

/** @param {HostUser} user @param {string} path @param {Record<string, any>} body */
async function post(user, path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': user.csrf_token || '' },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail || `${response.status}`);
  return data;
}

/** What the shell's launch says: the page and its query, as one start parameter. @param {MiniProgram} mp */
function startParam(mp) {
  const launch = /** @type {any} */ (mp).launchOptions || {};
  const query = new URLSearchParams(launch.query || {}).toString();
  return `${launch.path || ''}${query ? `?${query}` : ''}`;
}

/** @param {string} number */
function masked(number) {
  return number.length > 7 ? `${number.slice(0, 3)}****${number.slice(-4)}` : number;
}

export const login = {
  /** @param {MiniProgram} mp */
  login: async (mp) => {
    const user = await signedIn(mp);
    const { code } = await post(user, '/api/identity/login', { appid: mp.appid });
    return { code };
  },
  /** @param {MiniProgram} mp */
  checkSession: async (mp) => {
    const user = await hostUser();
    if (!user) throw new Error('session time out, need relogin');
    const { valid } = await post(user, '/api/identity/check-session', { appid: mp.appid });
    if (!valid) throw new Error('session time out, need relogin');
    return {};
  },
  /** The button's tap: the host's sheet shows the number; "Allow" gives the app a code. @param {MiniProgram} mp */
  getPhoneNumber: async (mp) => {
    const user = await signedIn(mp);
    const response = await fetch('/api/me/phone', { credentials: 'same-origin', cache: 'no-store' });
    const phone = response.ok ? await response.json() : {};
    const name = mp.appName || mp.appid;
    if (!phone.number) {
      await ask(mp, {
        title: 'No phone number',
        content: `“${name}” asks for your phone number, but your account has none. Add one under Account.`,
        buttons: [{ label: 'OK', value: 'cancel' }],
        className: 'hutong-consent hutong-phone-sheet',
      });
      throw new Error('no phone number');
    }
    const shown = `+${phone.country_code} ${masked(phone.number)}`;
    const pressed = await ask(mp, {
      title: 'Share your phone number?',
      content: el('div', {}, [el('p', {}, [`“${name}” asks for your phone number:`]), el('p', { className: 'hutong-phone-number' }, [shown])]),
      buttons: [{ label: 'Deny', value: 'cancel' }, { label: 'Allow', value: 'confirm' }],
      className: 'hutong-consent hutong-phone-sheet',
    });
    if (pressed !== 'confirm') throw new Error('user deny');
    const { code } = await post(user, '/api/identity/phone-code', { appid: mp.appid });
    return { code };
  },
  /** Signed launch data (Telegram-style) for the app's back end: see docs/identity.md. @param {MiniProgram} mp */
  'hutong.getLaunchData': async (mp) => {
    const user = await signedIn(mp);
    const launch = /** @type {any} */ (mp).launchOptions || {};
    const { launch_data: launchData } = await post(user, '/api/identity/launch-data', { appid: mp.appid, scene: Number(launch.scene) || 1001, start_param: startParam(mp) });
    return { launchData };
  },
};
