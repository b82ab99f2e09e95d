// @ts-check
/**
 * The end-user host: home (pinned, recent, every mini program by category), search as you type, scan a
 * code, open a link, sign in; and the running mini programs, each in its own surface inside the phone
 * frame, with the capsule (menu and close) drawn by the host above them.
 */
import { forget as forgetConsent } from '../host/api/consent-store.js';
import { openSettings } from '../host/api/consent.js';
import { preboot } from '../host/preboot.js';
import { AliveApps } from './alive.js';
import { addressBookView } from './addresses.js';
import { initClaim } from './claim.js';
import { ApiError, api, refreshSession, session } from './api.js';
import { authorizationsView } from './authorizations.js';
import { linkTo, parseAddress, parsePath } from './links.js';
import { initMessages } from './messages.js';
import { initMyData } from './mydata.js';
import { initWallet } from './wallet.js';
import { loadProfile, setupProfile } from './profile.js';
import { CameraScan, readImage } from './scanner.js';
import { showShareSheet } from './share-sheet.js';

/** Launch scenes (WeChat's numbers): where an opening came from. */
export const SCENES = {
  recent: 1001,
  search: 1005,
  share: 1007,
  scanQr: 1011,
  albumQr: 1013,
  trial: 1017,
  scanCode: 1047,
  albumCode: 1049,
  scheme: 1065,
  pinned: 1104,
  link: 1194,
  fromMiniProgram: 1037,
  backFromMiniProgram: 1038,
};

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const home = $('home');
const running = $('running');
const devPanel = $('dev-panel');
const backdrop = $('sheet-backdrop');
/** Mini programs waiting for the user to sign in (see alive.requestSignIn). @type {((ok: boolean) => void)[]} */
let signInWaiters = [];
// Home → Messages (messages.js): customer service conversations and service notifications; a card or
// a notification opens its mini program.
const messages = initMessages({
  openSheet,
  openApp: (appid, path, query, scene, channel = 'release') => open(appid, channel, { path, query, scene }),
  openLaunch: (appid, launch) => open(appid, 'release', launch),
});
// Home → Wallet (wallet.js): balance, top-up, withdrawal, PIN, history.
const wallet = initWallet({ openSheet });
// A poster's coupon code (/coupon/<token>, scanned or opened): the claim sheet (claim.js).
const claim = initClaim({ openSheet, open, notice, scene: SCENES.scanQr });

/**
 * What happened to the running mini programs, in order, for `hutong check` and the tests to read:
 * `{kind: 'firstcontent', ms}`, `{kind: 'cachedcontent', ms}` (a page's initial rendering cache drawn
 * before its first render), `{kind: 'error', message}`, `{kind: 'unsupported', what, name}`,
 * `{kind: 'warning', what, name, text}` (the app's slip WeChat tolerates, such as an unknown tag),
 * `{kind: 'fatal', message}` (the launch itself failed), `{kind: 'refused', what, origin}` (a request to
 * an origin not on the app's lists).
 * @type {Record<string, any>[]}
 */
const log = [];
/** @type {any} */ (window).__hutongLog = log;
/** Settles when a running mini program first shows a page: an address's app registers the service worker then. */
let markShown = () => {};
const shown = new Promise((resolve) => {
  markShown = () => resolve(undefined);
});

/** @param {HTMLElement} surface */
function watch(surface) {
  surface.addEventListener('hutong:firstcontent', () => {
    log.push({ kind: 'firstcontent', ms: performance.now() });
    markShown();
  });
  surface.addEventListener('hutong:cachedcontent', () => {
    log.push({ kind: 'cachedcontent', ms: performance.now() });
  });
  surface.addEventListener('hutong:share', (event) => showShare(/** @type {CustomEvent} */ (event).detail));
  surface.addEventListener('hutong:unsupported', (event) => {
    log.push({ kind: 'unsupported', .../** @type {CustomEvent} */ (event).detail });
  });
  surface.addEventListener('hutong:warning', (event) => {
    log.push({ kind: 'warning', .../** @type {CustomEvent} */ (event).detail });
  });
  surface.addEventListener('hutong:refused', (event) => {
    log.push({ kind: 'refused', .../** @type {CustomEvent} */ (event).detail });
  });
  // The app's console (wx API family "log"): each line in the developer panel, which stays closed for it.
  surface.addEventListener('hutong:console', (event) => {
    const { level, text } = /** @type {CustomEvent} */ (event).detail;
    log.push({ kind: 'console', level, text });
    const line = document.createElement('div');
    line.className = `console console-${level}`;
    line.textContent = `[${level}] ${text}`;
    devPanel.appendChild(line);
  });
}

/** @param {string} message */
function showError(message) {
  log.push({ kind: 'error', message });
  devPanel.hidden = false;
  const line = document.createElement('div');
  line.textContent = message;
  devPanel.appendChild(line);
}

const alive = new AliveApps($('apps'), watch, showError);
/** @type {Set<string>} */
let pinnedIds = new Set();

/** The host refuses to run what it cannot verify, and says so where the user is looking. */
/** @param {HTMLElement} surface @param {string} message */
function showLaunchError(surface, message) {
  const box = document.createElement('div');
  box.className = 'launch-error';
  box.setAttribute('role', 'alert');
  const title = document.createElement('strong');
  title.textContent = 'This mini program cannot be opened';
  const detail = document.createElement('p');
  detail.textContent = message;
  box.append(title, detail);
  surface.replaceChildren(box);
}

/** @param {string} message */
function notice(message) {
  const box = $('home-notice');
  box.textContent = message;
  box.hidden = !message;
}

/**
 * Open a mini program: resume it if it is alive in the background (and no page was asked for), else
 * start it at `path` with `query`, telling App.onLaunch/onShow where the opening came from (`scene`,
 * and `referrerInfo` when another mini program opened it). `returnTo` is the key of the app that
 * opened it (wx.navigateToMiniProgram), for its navigateBackMiniProgram. Resolves false when the
 * launch failed.
 * @param {string} appid
 * @param {string} [channel] release (default), trial, develop or review
 * @param {{path?: string, query?: Record<string, string>, scene?: number, shareTicket?: string, chatType?: number,
 *   referrerInfo?: Record<string, any>, returnTo?: string | null}} [launch]
 */
async function open(appid, channel = 'release', launch = {}) {
  closeSheets();
  home.hidden = true;
  running.hidden = false;
  const scene = launch.scene ?? (channel === 'trial' ? SCENES.trial : SCENES.recent);
  const { returnTo, ...startWith } = launch;
  const existing = alive.get(appid, channel);
  if (existing && !launch.path) {
    existing.returnTo = returnTo ?? null;
    alive.resume(existing, { scene, query: launch.query, referrerInfo: launch.referrerInfo });
    return true;
  }
  const params = new URLSearchParams({ scene: String(scene) });
  if (channel !== 'release') params.set('channel', channel);
  if (launch.path) params.set('path', launch.path);
  const entry = alive.create(appid, channel, `/api/apps/${encodeURIComponent(appid)}/launch?${params}`);
  entry.returnTo = returnTo ?? null;
  // For hutong check and the tests: how the app was entered (the host page's own record).
  log.push({ kind: 'launch', appid, scene, path: launch.path || '', shareTicket: launch.shareTicket || null, chatType: launch.chatType ?? null });
  try {
    await entry.program.start({ ...startWith, scene });
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.push({ kind: 'fatal', message });
    showLaunchError(entry.surface, message);
    showError(message);
    return false;
  }
}

// One mini program opening another (host/api/open.js has asked the user already): the target starts
// with scene 1037 and the source's appId and extraData; going back resumes the source with scene 1038.
alive.navigator = {
  async open(source, target) {
    const from = alive.byProgram(source);
    const started = await open(target.appId, target.channel, {
      path: target.path || undefined,
      scene: SCENES.fromMiniProgram,
      referrerInfo: { appId: source.appid, extraData: target.extraData },
      returnTo: from?.key ?? null,
    });
    if (!started) throw new Error(`cannot open ${target.appId}`);
  },
  back(from, extraData) {
    const entry = alive.byProgram(from);
    const source = entry?.returnTo ? alive.apps.get(entry.returnTo) : null;
    if (!entry || !source) return false;
    entry.returnTo = null;
    alive.resume(source, { scene: SCENES.backFromMiniProgram, referrerInfo: { appId: from.appid, extraData } });
    return true;
  },
  exit(from) {
    if (alive.current?.program === from) closeApp();
  },
  async restart(from, path) {
    const current = alive.current;
    if (current?.program !== from) throw new Error('not in the foreground');
    const { scene, referrerInfo } = from.launchOptions || {};
    if (!(await restartApp(current, { path, scene, referrerInfo }))) throw new Error(`cannot open ${current.appid}`);
  },
};

/**
 * Close a running app for good and start it again (the capsule's restart, wx.restartMiniProgram).
 * @param {import('./alive.js').Alive} entry @param {Parameters<typeof open>[2]} launch
 */
function restartApp(entry, launch) {
  closeSheets();
  alive.destroy(entry);
  return open(entry.appid, entry.channel, launch);
}

/** The capsule's close button sends the app to the background, as WeChat's does; it stays alive. */
function closeApp() {
  closeSheets();
  const current = alive.current;
  alive.background();
  // An app that never started has nothing to come back to.
  if (current && current.surface.querySelector('.launch-error')) alive.destroy(current);
  running.hidden = true;
  home.hidden = false;
  // Back home: boot the frames the next mini program opened will take.
  preboot.refill();
  loadHome();
  messages.refresh();
}

/**
 * Open whatever a link or scanned code names.
 * @param {string} text @param {{link: number, scheme: number, code: number}} scenes
 */
async function openAddress(text, scenes) {
  if (await claim.fromScan(text)) return; // a poster's coupon code (claim.js)
  // A shop's Native order (扫码支付): the wallet confirms it with the PIN (wallet.js, counter.js).
  if (text.trim().startsWith('weixin://wxpay/bizpayurl?pr=')) {
    if (!session.user) notice('Sign in to pay.');
    else await wallet.payNative(text.trim());
    return;
  }
  // A friend's QR code or group invitation of this host: Messages opens there (chats.js).
  const people = text.trim().match(/^(?:https?:\/\/[^/]+)?\/(add|join)\/([A-Za-z0-9_-]+)$/);
  if (people) {
    location.assign(`/${people[1]}/${people[2]}`);
    return;
  }
  const address = parseAddress(text);
  if (!address) {
    notice(`Not a mini program link or code: ${text}`);
    return;
  }
  await openParsed(address, scenes);
}

/**
 * @param {import('./links.js').Address} address
 * @param {{link: number, scheme: number, code: number}} scenes
 * @returns {Promise<boolean>} whether a mini program started
 */
async function openParsed(address, scenes) {
  if (address.kind === 'code') {
    try {
      const params = new URLSearchParams({ appid: address.appid, scene: address.scene || '' });
      const target = await api(`/api/codes/resolve?${params}`);
      return await open(target.appid, 'release', { path: target.page, query: target.query, scene: scenes.code });
    } catch (error) {
      notice(error instanceof ApiError ? error.message : String(error));
    }
    return false;
  }
  return open(address.appid, address.channel, {
    path: address.page || undefined,
    query: address.query,
    scene: scenes[address.kind],
  });
}

// -- home -----------------------------------------------------------------------------------------------

/** @param {import('./api.js').Listing} app @param {number} scene */
function appButton(app, scene) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.appid = app.appid;
  const icon = document.createElement('span');
  icon.className = 'app-icon';
  if (app.icon) {
    const image = document.createElement('img');
    image.src = app.icon;
    image.alt = '';
    icon.appendChild(image);
  } else {
    icon.textContent = app.name.slice(0, 1);
    icon.setAttribute('aria-hidden', 'true');
  }
  const label = document.createElement('span');
  label.className = 'app-name';
  label.textContent = app.name;
  button.append(icon, label);
  button.addEventListener('click', () => open(app.appid, 'release', { scene }));
  item.appendChild(button);
  return item;
}

/** @type {string | null} */
let category = null;

/** Pinned first, then recent, then every other mini program: each app shows once. */
async function loadHome() {
  const [recent, pinned, apps, categories] = await Promise.all([
    api('/api/me/recent').catch(() => []),
    session.user ? api('/api/me/pinned').catch(() => []) : Promise.resolve([]),
    api(category === null ? '/api/apps' : `/api/apps?category=${encodeURIComponent(category)}`),
    api('/api/categories').catch(() => []),
  ]);
  pinnedIds = new Set(pinned.map((/** @type {any} */ app) => app.appid));
  const shown = new Set(pinnedIds);
  const recentOnly = recent.filter((/** @type {any} */ app) => !shown.has(app.appid));
  for (const app of recentOnly) shown.add(app.appid);
  $('pinned-list').replaceChildren(...pinned.map((/** @type {any} */ app) => appButton(app, SCENES.pinned)));
  $('pinned-section').hidden = pinned.length === 0;
  $('recent-list').replaceChildren(...recentOnly.map((/** @type {any} */ app) => appButton(app, SCENES.recent)));
  $('recent-section').hidden = recentOnly.length === 0;
  $('app-list').replaceChildren(
    ...apps.filter((/** @type {any} */ app) => !shown.has(app.appid)).map((/** @type {any} */ app) => appButton(app, SCENES.recent)),
  );
  const chips = categories.map((/** @type {{name: string}} */ item) => {
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = 'chip';
    chip.textContent = item.name;
    chip.setAttribute('aria-pressed', String(item.name === category));
    chip.addEventListener('click', () => {
      category = category === item.name ? null : item.name;
      loadHome();
    });
    return chip;
  });
  $('categories').replaceChildren(...chips);
}

// -- search as you type ---------------------------------------------------------------------------------

const searchBox = /** @type {HTMLInputElement} */ ($('search'));
let searchTimer = 0;
let searchSeq = 0;

async function runSearch() {
  const query = searchBox.value.trim();
  const seq = ++searchSeq;
  const results = $('search-results');
  if (!query) {
    results.hidden = true;
    $('search-empty').hidden = true;
    $('sections').hidden = false;
    return;
  }
  const hits = await api(`/api/search?q=${encodeURIComponent(query)}`).catch(() => []);
  if (seq !== searchSeq) return; // a later keystroke's answer wins
  results.replaceChildren(
    ...hits.map((/** @type {any} */ hit) => {
      const item = appButton(hit, SCENES.search);
      const description = document.createElement('span');
      description.className = 'app-description';
      description.textContent = hit.description || hit.category || '';
      item.querySelector('button')?.appendChild(description);
      return item;
    }),
  );
  results.hidden = hits.length === 0;
  $('search-empty').hidden = hits.length > 0;
  $('sections').hidden = true;
}

searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(runSearch, 120);
});

// -- sheets: menu, info, account, scan -----------------------------------------------------------------

/** @param {string} id */
function openSheet(id) {
  closeSheets();
  backdrop.hidden = false;
  $(id).hidden = false;
}

function closeSheets() {
  settleSignIn(Boolean(session.user));
  messages.stop();
  for (const sheet of document.querySelectorAll('.sheet')) /** @type {HTMLElement} */ (sheet).hidden = true;
  backdrop.hidden = true;
  camera?.stop();
  camera = null;
}

backdrop.addEventListener('click', closeSheets);
for (const button of document.querySelectorAll('[data-close]')) button.addEventListener('click', closeSheets);

/** @param {string} title @param {Node[]} body */
function showInfo(title, body) {
  openSheet('info-sheet');
  $('info-title').textContent = title;
  $('info-body').replaceChildren(...body);
}

/** @param {string} tag @param {string} text @param {string} [className] */
function el(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

// The capsule's menu ------------------------------------------------------------------------------------

/** @param {string} action */
const menuItem = (action) => /** @type {HTMLButtonElement} */ (document.querySelector(`#menu-sheet [data-action="${action}"]`));

$('capsule-menu').addEventListener('click', async () => {
  const current = alive.current;
  const pin = menuItem('pin');
  pin.textContent = current && pinnedIds.has(current.appid) ? 'Remove from My mini programs' : 'Add to My mini programs';
  // As in WeChat, the page decides what can be shared: Share needs its onShareAppMessage (and no
  // hideShareMenu), Share to Timeline its onShareTimeline, Add to Favorites its onAddToFavorites.
  const offered = current?.program.shareEntries ? await current.program.shareEntries() : null;
  menuItem('share').disabled = !offered?.appMessage;
  // No timeline on this host: onShareTimeline is never offered (the capability table says so).
  menuItem('timeline').hidden = true;
  menuItem('favorite').hidden = !offered?.favorites;
  openSheet('menu-sheet');
});

/**
 * The page said what to share (from the menu or a share button). Share: the host's share sheet
 * (share-sheet.js: recent chats and groups, or a link). Add to Favorites: a link to keep. The
 * timeline is not offered (there is none; the capsule menu hides it).
 * @param {{kind: string, result: Record<string, any>, route?: string, query?: Record<string, string>, pageId?: number}} detail
 */
function showShare(detail) {
  const current = alive.current;
  if (!current) return;
  const result = detail.result || {};
  let route = detail.route || '';
  /** @type {Record<string, string>} */
  let query = detail.query || {};
  if (detail.kind === 'appMessage' && typeof result.path === 'string' && result.path) {
    const [path, search = ''] = result.path.split(/\?(.*)/s);
    route = path.replace(/^\//, '');
    query = Object.fromEntries(new URLSearchParams(search));
  } else if (detail.kind !== 'appMessage' && result.query !== undefined) {
    query = Object.fromEntries(new URLSearchParams(String(result.query)));
  }
  if (detail.kind === 'appMessage') {
    const shared = { route, query, title: String(result.title || ''), imageUrl: String(result.imageUrl || ''), pageId: detail.pageId };
    showShareSheet(current, shared, linkTo).catch(() => undefined);
    return;
  }
  const link = `${linkTo(current.appid, route, query)}#share`;
  const field = document.createElement('input');
  field.readOnly = true;
  field.value = link;
  field.className = 'share-link';
  field.setAttribute('aria-label', 'Link to this page');
  const copy = el('button', 'Copy link');
  copy.addEventListener('click', async () => {
    field.select();
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    copy.textContent = 'Copied';
  });
  const title = el('p', String(result.title || current.program.appName || current.appid), 'share-title');
  showInfo('Add to Favorites', [title, el('p', 'Keep this link to come back to this page.'), field, copy]);
}

/** @type {Record<string, () => Promise<void> | void>} */
const menuActions = {
  cancel: closeSheets,
  async about() {
    const current = alive.current;
    if (!current) return;
    const rows = [];
    try {
      const about = await api(`/api/apps/${encodeURIComponent(current.appid)}/about`);
      if (about.icon) {
        const image = document.createElement('img');
        image.src = about.icon;
        image.alt = '';
        image.className = 'about-icon';
        rows.push(image);
      }
      rows.push(el('p', about.name, 'about-name'));
      if (about.description) rows.push(el('p', about.description));
      const facts = document.createElement('dl');
      for (const [term, value] of [
        ['Developer', about.developer || '—'],
        ['Version', about.version],
        ['Category', about.category || '—'],
        ['AppID', about.appid],
      ]) {
        facts.append(el('dt', term), el('dd', value));
      }
      rows.push(facts);
    } catch (error) {
      // A trial or development version has no public page: say what the host knows.
      rows.push(el('p', current.appid), el('p', `${current.channel} version`));
    }
    showInfo('About', rows);
  },
  // The page's handler answers; its hutong:share event draws the sheet (showShare).
  share() {
    closeSheets();
    alive.current?.program.shareFromMenu('appMessage');
  },
  timeline() {
    closeSheets();
    alive.current?.program.shareFromMenu('timeline');
  },
  favorite() {
    closeSheets();
    alive.current?.program.shareFromMenu('favorites');
  },
  async pin() {
    const current = alive.current;
    if (!current) return;
    if (!session.user) {
      showAccount('signin');
      return;
    }
    const method = pinnedIds.has(current.appid) ? 'DELETE' : 'PUT';
    await api(`/api/me/pinned/${encodeURIComponent(current.appid)}`, { method });
    if (method === 'PUT') pinnedIds.add(current.appid);
    else pinnedIds.delete(current.appid);
    closeSheets();
  },
  async settings() {
    // The app's own settings page (the one wx.openSetting shows), drawn by the host over the app.
    const current = alive.current;
    closeSheets();
    if (current) await openSettings(current.program);
  },
  async restart() {
    const current = alive.current;
    if (!current) return;
    await restartApp(current, { scene: SCENES.recent, path: '' });
  },
};

for (const button of document.querySelectorAll('#menu-sheet [data-action]')) {
  const action = /** @type {HTMLElement} */ (button).dataset.action || '';
  button.addEventListener('click', () => {
    Promise.resolve(menuActions[action]?.()).catch((error) => showError(String(error?.message || error)));
  });
}
$('close-app').addEventListener('click', closeApp);

// Signing up and in, inside the host --------------------------------------------------------------------

const accountForm = /** @type {HTMLFormElement} */ ($('account-form'));
let accountMode = 'signin';

/** @param {'signin' | 'signup'} mode */
function showAccount(mode) {
  accountMode = mode;
  openSheet('account-sheet');
  const signedIn = Boolean(session.user);
  accountForm.hidden = signedIn;
  $('account-switch').hidden = signedIn;
  $('signed-in').hidden = !signedIn;
  $('signed-in-as').textContent = session.user ? `Signed in as ${session.user.email}` : '';
  const signup = mode === 'signup';
  $('account-title').textContent = signedIn ? 'Account' : signup ? 'Create an account' : 'Sign in';
  $('account-submit').textContent = signup ? 'Sign up' : 'Sign in';
  $('account-switch').textContent = signup ? 'I have an account' : 'Create an account';
  $('name-field').hidden = !signup;
  const password = /** @type {HTMLInputElement} */ (accountForm.elements.namedItem('password'));
  password.autocomplete = signup ? 'new-password' : 'current-password';
  $('account-error').hidden = true;
  $('account-reason').hidden = true;
  if (signedIn) {
    loadProfile();
    loadPhone();
  }
}

// A mini program that needs a signed-in user (wx.login, getPhoneNumber) asks through the runtime; the
// answer is whether the user signed in before the sheet closed.
/** @param {boolean} ok */
function settleSignIn(ok) {
  const waiting = signInWaiters;
  signInWaiters = [];
  for (const resolve of waiting) resolve(ok);
}
alive.requestSignIn = (reason) =>
  new Promise((resolve) => {
    showAccount('signin');
    $('account-reason').textContent = reason;
    $('account-reason').hidden = false;
    signInWaiters.push(resolve);
  });

const phoneForm = /** @type {HTMLFormElement} */ ($('phone-form'));
async function loadPhone() {
  $('phone-status').textContent = '';
  // Nothing can be typed until the saved number is in, so the answer never overwrites typing.
  const fieldset = /** @type {HTMLFieldSetElement} */ (phoneForm.querySelector('fieldset'));
  fieldset.disabled = true;
  const phone = await api('/api/me/phone').catch(() => null);
  /** @type {HTMLInputElement} */ (phoneForm.elements.namedItem('country_code')).value = phone?.country_code || '86';
  /** @type {HTMLInputElement} */ (phoneForm.elements.namedItem('number')).value = phone?.number || '';
  fieldset.disabled = false;
}
phoneForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(phoneForm);
  const number = String(form.get('number') || '').trim();
  try {
    await api('/api/me/phone', { method: 'PUT', json: { country_code: String(form.get('country_code') || '86'), number: number || null } });
    $('phone-status').textContent = number ? 'Saved' : 'Removed';
  } catch (error) {
    $('phone-status').textContent = error instanceof Error ? error.message : String(error);
  }
});

function showUser() {
  $('account').textContent = session.user ? session.user.email : 'Sign in';
  messages.refresh();
  wallet.refresh();
}

$('account').addEventListener('click', () => showAccount('signin'));
setupProfile();
// Me → Authorizations: what each mini program may use, with switches to take it back.
$('open-authorizations').addEventListener('click', async () => {
  showInfo('Authorizations', [await authorizationsView()]);
});
// Me → Addresses and Invoice titles (addresses.js): what wx.chooseAddress and chooseInvoiceTitle offer.
$('open-addresses').addEventListener('click', async () => {
  showInfo('Addresses', [await addressBookView('addresses')]);
});
$('open-invoice-titles').addEventListener('click', async () => {
  showInfo('Invoice titles', [await addressBookView('invoice-titles')]);
});
$('account-switch').addEventListener('click', () => showAccount(accountMode === 'signin' ? 'signup' : 'signin'));
accountForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(accountForm);
  const body = { email: String(form.get('email')), password: String(form.get('password')) };
  if (accountMode === 'signup') Object.assign(body, { name: String(form.get('name') || '') });
  try {
    session.user = await api(`/api/accounts/${accountMode}`, { method: 'POST', json: body });
  } catch (error) {
    $('account-error').textContent = error instanceof Error ? error.message : String(error);
    $('account-error').hidden = false;
    return;
  }
  accountForm.reset();
  forgetConsent();
  forgetLaunches();
  closeSheets();
  showUser();
  // What this device opened before signing in stays on the recent list.
  await api('/api/me/recent/adopt', { method: 'POST' }).catch(() => undefined);
  loadHome();
});
// Account → My data (mydata.js); clearing an app's local data first closes it if it is alive.
initMyData({
  openSheet,
  forget: (appid) => {
    for (const channel of ['release', 'trial', 'develop', 'review']) {
      const entry = alive.get(appid, channel);
      if (entry) alive.destroy(entry);
    }
  },
});
$('sign-out').addEventListener('click', async () => {
  await api('/api/accounts/signout', { method: 'POST' }).catch(() => undefined);
  session.user = null;
  forgetConsent();
  forgetLaunches();
  closeSheets();
  showUser();
  loadHome();
});

// Scanning and links -----------------------------------------------------------------------------------

/** @type {CameraScan | null} */
let camera = null;

$('scan').addEventListener('click', async () => {
  openSheet('scan-sheet');
  $('scan-status').textContent = '';
  if (!CameraScan.available()) {
    $('scan-status').textContent = 'No camera here: pick a picture of the code.';
    return;
  }
  const scan = new CameraScan(/** @type {HTMLVideoElement} */ ($('scan-video')));
  camera = scan;
  try {
    const text = await scan.start();
    if (text === null) return;
    closeSheets();
    await openAddress(text, { link: SCENES.scanQr, scheme: SCENES.scanQr, code: SCENES.scanCode });
  } catch {
    scan.stop();
    if (camera === scan) $('scan-status').textContent = 'The camera is not available: pick a picture of the code.';
  }
});

const scanFile = /** @type {HTMLInputElement} */ ($('scan-file'));
scanFile.addEventListener('change', async () => {
  const file = scanFile.files?.[0];
  scanFile.value = '';
  if (!file) return;
  $('scan-status').textContent = 'Reading…';
  try {
    const texts = await readImage(file);
    if (!texts.length) {
      $('scan-status').textContent = 'No code found in that image.';
      return;
    }
    closeSheets();
    await openAddress(texts[0], { link: SCENES.albumQr, scheme: SCENES.albumQr, code: SCENES.albumCode });
  } catch (error) {
    $('scan-status').textContent = error instanceof Error ? error.message : String(error);
  }
});

$('link-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('link-input'));
  openAddress(input.value, { link: SCENES.link, scheme: SCENES.scheme, code: SCENES.scanCode });
});
// A mini program link typed into the search box opens directly.
searchBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && parseAddress(searchBox.value)) {
    openAddress(searchBox.value, { link: SCENES.link, scheme: SCENES.scheme, code: SCENES.scanCode });
  }
});

// -- start ----------------------------------------------------------------------------------------------

/** The service worker keeps the runtime, the bundles and the last launch manifests (shell/sw.js). */
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}

/** Who launches changed: the kept launch manifests name the old audience. */
function forgetLaunches() {
  navigator.serviceWorker?.controller?.postMessage({ t: 'forget-launches' });
}

async function boot() {
  const sessionKnown = refreshSession().catch(() => null);
  // A link or code opens at once, beside the session and the home lists: the launch does not need them
  // (its request carries the session cookie itself), and they are not what the user is waiting for.
  const launched = openOwnAddress(sessionKnown);
  await sessionKnown;
  showUser();
  // An add-me link or a group invitation opens Messages there (chats.js).
  messages.openAddress().catch((error) => showError(String(error?.message || error)));
  // A poster's coupon code opens its claim sheet (claim.js).
  claim.fromAddress().catch((error) => showError(String(error?.message || error)));
  // An address's app hides the home screen: its lists load when the app is closed (closeApp), not
  // now, where they would only compete with the app. The service worker waits for its first page.
  if (await launched.catch(() => false)) {
    await Promise.race([shown, new Promise((resolve) => setTimeout(resolve, 3000))]);
    registerServiceWorker();
    return;
  }
  await loadHome().finally(registerServiceWorker);
}

/**
 * This page's own address may be a link (/miniapp/…), a scanned code (/s/…) or `/?open=<appid>&
 * channel=<trial|develop|review>&path=<page>&query=<k=v&...>` (the consoles' preview links). Resolves
 * true when it started a mini program.
 * @returns {Promise<boolean>}
 */
async function openOwnAddress(/** @type {Promise<unknown>} */ sessionKnown) {
  const own = parsePath(location.pathname, location.search);
  // A shared link (/share/<id> → …#share=<id>): the platform counts the open and answers the launch.
  const shareId = location.hash.match(/^#share=(sh[A-Za-z0-9_-]+)$/)?.[1];
  if (own && shareId) {
    await sessionKnown;
    const launch = await api(`/api/me/shares/${shareId}/open`, { method: 'POST', json: {} }).catch(() => null);
    if (launch) return open(launch.appid, 'release', { path: launch.path, query: launch.query, scene: launch.scene });
  }
  if (own) {
    const shared = location.hash === '#share';
    const scene = shared ? SCENES.share : SCENES.link;
    return openParsed(own, { link: scene, scheme: SCENES.scheme, code: SCENES.scanCode });
  }
  const params = new URLSearchParams(location.search);
  const direct = params.get('open');
  if (!direct) return false;
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(params.get('query') || '')) query[key] = value;
  const scene = Number(params.get('scene')) || undefined;
  return open(direct, params.get('channel') || 'release', { path: params.get('path') || undefined, query, scene });
}

boot();
