// @ts-check
/**
 * Where scope decisions live: on the platform for a signed-in user (host-only /api/me endpoints,
 * session cookie + CSRF), in the host origin's localStorage for a guest. Mini programs never reach
 * either: their threads have opaque origins and no network of their own.
 *
 * Answers are kept for a few seconds (an app calling getSetting in a loop must not spend the user's
 * request budget), and every write in this page drops them, so a change made in Me → Authorizations
 * (the same module instance) is what the app's next getSetting or authorize sees.
 * Shared by the host's consent dialogs (consent.js) and the shell (shell/authorizations.js).
 */

const GUEST_KEY = 'hutong:consent';

/** @typedef {{id: number, email: string, name: string, csrf_token: string | null}} Account */
/** @typedef {{appid: string, name: string, icon: string, scopes: Record<string, boolean>}} AuthorizedApp */

const ACCOUNT_TTL_MS = 2000;
const SCOPES_TTL_MS = 5000;
/** @type {{at: number, value: Promise<Account | null>} | null} */
let accountCache = null;
/** @type {Map<string, {at: number, value: Promise<Record<string, boolean>>}>} */
const scopesCache = new Map();

/** Who is signed in to the host (null: a guest). @returns {Promise<Account | null>} */
export function account() {
  if (accountCache && performance.now() - accountCache.at < ACCOUNT_TTL_MS) return accountCache.value;
  const value = fetch('/api/accounts/session', { credentials: 'same-origin' })
    .then(async (response) => (response.ok ? (await response.json()).user || null : null))
    .catch(() => null);
  accountCache = { at: performance.now(), value };
  return value;
}

/** Drop what is kept (a decision was written, or the user signed in or out). */
export function forget() {
  accountCache = null;
  scopesCache.clear();
}

/** @param {string} url @param {Account} user @param {{method?: string, json?: any}} [options] */
async function call(url, user, options = {}) {
  const method = options.method || 'GET';
  /** @type {Record<string, string>} */
  const headers = {};
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && user.csrf_token) headers['X-CSRF-Token'] = user.csrf_token;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail || `${response.status}`);
  return data;
}

/** @returns {Record<string, {name: string, icon: string, scopes: Record<string, boolean>}>} */
function guestAll() {
  try {
    const value = JSON.parse(localStorage.getItem(GUEST_KEY) || '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** @param {Record<string, any>} all */
function guestSave(all) {
  localStorage.setItem(GUEST_KEY, JSON.stringify(all));
}

const path = (/** @type {string} */ appid) => `/api/me/authorizations/${encodeURIComponent(appid)}`;

/** The decided scopes of `appid` (WeChat's authSetting). @param {string} appid @returns {Promise<Record<string, boolean>>} */
export async function readScopes(appid) {
  const kept = scopesCache.get(appid);
  if (kept && performance.now() - kept.at < SCOPES_TTL_MS) return { ...(await kept.value) };
  const value = account().then(async (user) => {
    if (!user) return { ...(guestAll()[appid]?.scopes || {}) };
    return /** @type {Record<string, boolean>} */ ((await call(path(appid), user)).authSetting);
  });
  scopesCache.set(appid, { at: performance.now(), value });
  value.catch(() => scopesCache.delete(appid));
  return { ...(await value) };
}

/**
 * Record decisions: true allow, false deny, null forget (the app may ask again).
 * @param {string} appid @param {Record<string, boolean | null>} changes @param {{name?: string, icon?: string}} [about]
 * @returns {Promise<Record<string, boolean>>}
 */
export async function writeScopes(appid, changes, about = {}) {
  scopesCache.delete(appid);
  try {
    const user = await account();
    if (user) return (await call(path(appid), user, { method: 'PATCH', json: { scopes: changes } })).authSetting;
    const all = guestAll();
    const entry = (all[appid] ||= { name: about.name || appid, icon: about.icon || '', scopes: {} });
    if (about.name) entry.name = about.name;
    for (const [scope, allowed] of Object.entries(changes)) {
      if (allowed === null) delete entry.scopes[scope];
      else entry.scopes[scope] = allowed;
    }
    if (!Object.keys(entry.scopes).length) delete all[appid];
    guestSave(all);
    return { ...(all[appid]?.scopes || {}) };
  } finally {
    // A read that started meanwhile may hold the old answer.
    scopesCache.delete(appid);
  }
}

/** Every mini program with decisions (Me → Authorizations). @returns {Promise<AuthorizedApp[]>} */
export async function listAuthorizations() {
  const user = await account();
  if (user) return call('/api/me/authorizations', user);
  return Object.entries(guestAll())
    .map(([appid, entry]) => ({ appid, name: entry.name, icon: entry.icon || '', scopes: { ...entry.scopes } }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The host profile the user may share (signed in only): nickname and avatar URL (host origin). */
export async function hostProfile() {
  const user = await account();
  if (!user) return { signedIn: false, nickname: '', avatarUrl: '' };
  const profile = await call('/api/me/profile', user).catch(() => ({ nickname: '', avatar_url: '' }));
  return { signedIn: true, nickname: profile.nickname || user.name || '', avatarUrl: profile.avatar_url || '' };
}
