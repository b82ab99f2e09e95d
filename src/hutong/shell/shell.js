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

/** @param {string} message */
function showError(message) {
  log.push({ kind: 'error', message });
  devPanel.hidden = false;
  const line = document.createElement('div');
  line.textContent = message;
  devPanel.appendChild(line);
}

/**
 * @param {string} appid
 * @param {{path?: string, query?: Record<string, string>, scene?: number}} [launch]
 */
async function open(appid, launch = {}) {
  home.hidden = true;
  running.hidden = false;
  current = new MiniProgram({
    appid,
    surface,
    runtimeBase: '/_rt/',
    launchUrl: `/api/apps/${encodeURIComponent(appid)}/launch`,
    onError: showError,
  });
  try {
    await current.start({ scene: 1001, ...launch });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.push({ kind: 'fatal', message });
    showError(message);
  }
}

function close() {
  current?.close();
  current = null;
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

document.getElementById('close-app')?.addEventListener('click', close);
// `/?open=<appid>&path=<page>&query=<k=v&...>` opens a mini program straight away.
const params = new URLSearchParams(location.search);
const direct = params.get('open');
loadApps().then(() => {
  if (!direct) return;
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(params.get('query') || '')) query[key] = value;
  open(direct, { path: params.get('path') || undefined, query });
});
