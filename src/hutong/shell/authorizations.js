// @ts-check
/**
 * Me → Authorizations: every mini program the user has decided scopes for, each with a switch per
 * scope. Flipping one changes the same store the host's consent dialogs use (signed in: the platform;
 * guest: this browser), so the app's next getSetting or authorize sees it. Below the scopes, each app's
 * subscription messages: the main switch and the kept choices (host/api/subscribe.js).
 */
import { account, listAuthorizations, writeScopes } from '../host/api/consent-store.js';
import { SCOPES } from '../host/api/consent.js';
import { subscriptionRows } from '../host/api/subscribe.js';

/** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [children] */
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** @param {import('../host/api/consent-store.js').AuthorizedApp} app */
function appSection(app) {
  const icon = app.icon ? h('img', { class: 'app-icon small', src: app.icon, alt: '' }) : h('span', { class: 'app-icon small', 'aria-hidden': 'true' }, [app.name.slice(0, 1)]);
  const rows = Object.entries(app.scopes).map(([scope, allowed]) => {
    const label = SCOPES[scope]?.label || scope;
    const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', role: 'switch', 'aria-label': `${app.name}: ${label}`, 'data-scope': scope }));
    box.checked = allowed;
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        await writeScopes(app.appid, { [scope]: box.checked }, { name: app.name, icon: app.icon });
      } catch {
        box.checked = !box.checked; // not saved: show what is true
      } finally {
        box.disabled = false;
      }
    });
    return h('label', { class: 'scope-row' }, [h('span', {}, [label]), box]);
  });
  return h('section', { class: 'authorized-app', 'data-appid': app.appid }, [h('h3', {}, [icon, ' ', app.name]), ...rows]);
}

/** The apps with message switches (a signed-in user's). @returns {Promise<{appid: string, name: string, icon: string}[]>} */
async function subscribedApps() {
  const response = await fetch('/api/me/subscribe', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  return response?.ok ? response.json() : [];
}

/** The list, ready to show in a sheet. @returns {Promise<HTMLElement>} */
export async function authorizationsView() {
  const apps = await listAuthorizations().catch(() => []);
  const user = await account();
  const subscribed = user ? await subscribedApps() : [];
  for (const app of subscribed) if (!apps.some((a) => a.appid === app.appid)) apps.push({ ...app, scopes: {} });
  if (!apps.length) return h('p', { class: 'empty' }, ['No mini program has asked for a permission yet.']);
  const sections = apps.map(appSection);
  if (user) {
    await Promise.all(
      apps.map(async (app, i) => sections[i].append(...(await subscriptionRows(app.appid, user.csrf_token || '').catch(() => [])))),
    );
  }
  return h('div', { class: 'authorizations' }, sections);
}
