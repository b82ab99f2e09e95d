// @ts-check
/** The end-user host: the list of mini programs, and one running in a phone-sized frame. */
import { MiniProgram } from '/_rt/host/miniprogram.js';

const list = /** @type {HTMLUListElement} */ (document.getElementById('app-list'));
const home = /** @type {HTMLElement} */ (document.getElementById('home'));
const running = /** @type {HTMLElement} */ (document.getElementById('running'));
const surface = /** @type {HTMLElement} */ (document.getElementById('surface'));
const devPanel = /** @type {HTMLElement} */ (document.getElementById('dev-panel'));
/** @type {MiniProgram | null} */
let current = null;

/**
 * What happened to the running mini program, in order, for `hutong check` and the tests to read:
 * `{kind: 'firstcontent', ms}`, `{kind: 'error', message}`, `{kind: 'unsupported', what, name}`,
 * `{kind: 'fatal', message}` (the launch itself failed).
 * @type {Record<string, any>[]}
 */
const log = [];
/** @type {any} */ (window).__hutongLog = log;

surface.addEventListener('hutong:firstcontent', () => log.push({ kind: 'firstcontent', ms: performance.now() }));
surface.addEventListener('hutong:unsupported', (event) => {
  log.push({ kind: 'unsupported', .../** @type {CustomEvent} */ (event).detail });
});
// The app's console (wx API family "log"): every line in the developer panel, which stays closed for it.
surface.addEventListener('hutong:console', (event) => {
  const { level, text } = /** @type {CustomEvent} */ (event).detail;
  log.push({ kind: 'console', level, text });
  const line = document.createElement('div');
  line.className = `console console-${level}`;
  line.textContent = `[${level}] ${text}`;
  devPanel.appendChild(line);
});

/** @param {string} message */
function showError(message) {
  log.push({ kind: 'error', message });
  devPanel.hidden = false;
  const line = document.createElement('div');
  line.textContent = message;
  devPanel.appendChild(line);
}

/** The host refuses to run what it cannot verify, and says so where the user is looking. */
/** @param {string} message */
function showLaunchError(message) {
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

/**
 * @param {string} appid
 * @param {string} [channel] release (default), trial, develop or review
 * @param {{path?: string, query?: Record<string, string>, scene?: number}} [launch]
 */
async function open(appid, channel = 'release', launch = {}) {
  home.hidden = true;
  running.hidden = false;
  if (current && current.appid === appid) {
    // It was only in the background: bring it back (App.onShow, the page's onShow).
    current.show({ scene: launch.scene ?? 1001 });
    return;
  }
  current?.close();
  const query = channel === 'release' ? '' : `?channel=${encodeURIComponent(channel)}`;
  current = new MiniProgram({
    appid,
    surface,
    runtimeBase: '/_rt/',
    launchUrl: `/api/apps/${encodeURIComponent(appid)}/launch${query}`,
    onError: showError,
  });
  try {
    // Scene 1017 is WeChat's "trial version QR code"; 1001 the app list.
    await current.start({ scene: channel === 'trial' ? 1017 : 1001, ...launch });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.push({ kind: 'fatal', message });
    showLaunchError(message);
    showError(message);
  }
}

/** The capsule's close button sends the app to the background, as WeChat's does; it stays alive. */
function close() {
  current?.hide();
  running.hidden = true;
  home.hidden = false;
}

async function loadApps() {
  const apps = await (await fetch('/api/apps')).json();
  list.replaceChildren(
    ...apps.map((/** @type {{appid: string, name: string}} */ app) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.dataset.appid = app.appid;
      const icon = document.createElement('span');
      icon.className = 'app-icon';
      icon.textContent = app.name.slice(0, 1);
      const label = document.createElement('span');
      label.textContent = app.name;
      button.append(icon, label);
      button.addEventListener('click', () => open(app.appid));
      item.appendChild(button);
      return item;
    }),
  );
}

/** Signed in, launches carry the user (phased release, trial versions); otherwise a device id. */
async function showAccount() {
  const link = /** @type {HTMLAnchorElement | null} */ (document.getElementById('account'));
  const { user } = await (await fetch('/api/accounts/session')).json();
  if (!link || !user) return;
  link.textContent = user.email;
  link.href = '/console/';
}

document.getElementById('close-app')?.addEventListener('click', close);
showAccount();
// `/?open=<appid>&channel=<trial|develop|review>&path=<page>&query=<k=v&...>` opens a mini program at once.
const params = new URLSearchParams(location.search);
const direct = params.get('open');
// The list loads beside the app, not before it: opening does not wait for it.
loadApps();
if (direct) {
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(params.get('query') || '')) query[key] = value;
  open(direct, params.get('channel') || 'release', { path: params.get('path') || undefined, query });
}
