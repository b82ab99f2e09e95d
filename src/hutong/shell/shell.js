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

/** @param {string} message */
function showError(message) {
  devPanel.hidden = false;
  const line = document.createElement('div');
  line.textContent = message;
  devPanel.appendChild(line);
}

/** @param {string} appid */
async function open(appid) {
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
    await current.start({ scene: 1001 });
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
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
const direct = new URLSearchParams(location.search).get('open');
loadApps().then(() => {
  if (direct) open(direct);
});
