// @ts-check
/**
 * One mini program opening another, as WeChat does: wx.navigateToMiniProgram, only after a tap (the
 * browser's transient user activation: activation.js), asks the user the first
 * time per source→target pair ("即将打开…"), then the host (the shell's `navigator`, see
 * shell/alive.js) opens the target at `path` with scene 1037 and referrerInfo {appId, extraData};
 * wx.navigateBackMiniProgram returns to the app that opened it (scene 1038, referrerInfo with the
 * target's appId and extraData); wx.exitMiniProgram closes the app as the capsule does;
 * wx.restartMiniProgram starts it again at a page.
 * Login, session and phone number are in login.js, payment in payment.js, scopes in consent.js,
 * the user's profile in profile.js, subscription messages in subscribe.js.
 */
import { userActed } from '../activation.js';
import { ask } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

/** The versions WeChat names for envVersion, and the host's channel for each. */
const CHANNELS = /** @type {Record<string, string>} */ ({ release: 'release', trial: 'trial', develop: 'develop' });
/** Where the host remembers the pairs the user allowed (per host user, in the host origin only). */
const ALLOWED_KEY = 'hutong:hops';
/** A referrer's extraData travels as JSON; past this it is refused (WeChat limits it too). */
const MAX_EXTRA_BYTES = 64 * 1024;

/** @param {string} user @returns {string[]} */
function allowedPairs(user) {
  try {
    const all = JSON.parse(localStorage.getItem(ALLOWED_KEY) || '{}');
    return Array.isArray(all[user]) ? all[user] : [];
  } catch {
    return [];
  }
}

/** @param {string} user @param {string} pair */
function allowPair(user, pair) {
  /** @type {Record<string, string[]>} */
  let all = {};
  try {
    all = JSON.parse(localStorage.getItem(ALLOWED_KEY) || '{}') || {};
  } catch {
    all = {};
  }
  all[user] = [...new Set([...(Array.isArray(all[user]) ? all[user] : []), pair])];
  localStorage.setItem(ALLOWED_KEY, JSON.stringify(all));
}

/** The target's public name for the question (its appid when it has no public page). @param {string} appid */
async function targetName(appid) {
  try {
    const response = await fetch(`/api/apps/${encodeURIComponent(appid)}/about`, { credentials: 'same-origin' });
    const info = response.ok ? await response.json() : {};
    return typeof info.name === 'string' && info.name ? info.name : appid;
  } catch {
    return appid;
  }
}

/** @param {any} extraData */
function checkedExtra(extraData) {
  if (extraData === undefined || extraData === null) return {};
  if (typeof extraData !== 'object') throw new Error('extraData must be an object');
  if (JSON.stringify(extraData).length > MAX_EXTRA_BYTES) throw new Error('extraData is too large');
  return JSON.parse(JSON.stringify(extraData));
}

/** @param {MiniProgram} mp */
function hostNavigator(mp) {
  const navigator = /** @type {any} */ (mp).navigator;
  if (!navigator) throw new Error('not supported: this host opens one mini program only');
  return navigator;
}

export const open = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async navigateToMiniProgram(mp, args) {
    // WeChat opens another mini program only after the user has tapped the page (base library 2.3.0):
    // the browser's transient activation, which no script can make, so a forged call is refused.
    if (!userActed()) throw new Error('can only be invoked by user TAP gesture.');
    const appId = typeof args.appId === 'string' ? args.appId.trim() : '';
    if (!appId) throw new Error('invalid appId');
    const envVersion = args.envVersion === undefined ? 'release' : String(args.envVersion);
    const channel = CHANNELS[envVersion];
    if (!channel) throw new Error(`invalid envVersion "${envVersion}"`);
    const path = args.path === undefined ? '' : String(args.path);
    const extraData = checkedExtra(args.extraData);
    const navigator = hostNavigator(mp);
    const pair = `${mp.appid}>${appId}`;
    if (!allowedPairs(mp.user).includes(pair)) {
      const name = await targetName(appId);
      const answer = await ask(mp, {
        title: `即将打开"${name}"小程序`,
        className: 'hutong-hop-dialog',
        buttons: [
          { label: '取消', value: 'cancel' },
          { label: '允许', value: 'allow', color: '#576b95' },
        ],
      });
      if (answer !== 'allow') throw new Error('cancel');
      allowPair(mp.user, pair);
    }
    await navigator.open(mp, { appId, path, channel, extraData });
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  navigateBackMiniProgram(mp, args) {
    const extraData = checkedExtra(args.extraData);
    if (!hostNavigator(mp).back(mp, extraData)) throw new Error('no mini program to go back to');
    return {};
  },
  /** @param {MiniProgram} mp */
  exitMiniProgram(mp) {
    hostNavigator(mp).exit(mp);
    return {};
  },
  /**
   * wx.restartMiniProgram: this app closed and started again (App.onLaunch anew) at `path`, whose query
   * becomes the page's, as entered the first time (its scene and referrer). A page it does not have is
   * App.onPageNotFound's, as at any launch.
   * @param {MiniProgram} mp @param {Record<string, any>} args
   */
  async restartMiniProgram(mp, args) {
    if (typeof args.path !== 'string' || !args.path.trim()) throw new Error('invalid path');
    const path = args.path.trim().replace(/^\//, '');
    if (path.length > 1024) throw new Error('invalid path');
    await hostNavigator(mp).restart(mp, path);
    return {};
  },
};
