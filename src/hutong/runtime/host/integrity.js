// @ts-check
/**
 * Nothing runs unless the platform vouches for it: the launch manifest must carry a valid Ed25519
 * signature by a platform key listed at /.well-known/hutong/platform-keys.json, and every
 * bundle must match the SHA-256 the manifest gives for it.
 */

const KEYS_URL = '/.well-known/hutong/platform-keys.json';

/** @param {ArrayBuffer} buffer */
async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class IntegrityError extends Error {}

/** @param {string} text base64url without padding */
function fromBase64Url(text) {
  const plain = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(plain + '='.repeat((4 - (plain.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** @type {Promise<Map<string, CryptoKey>> | null} */
let platformKeys = null;

/**
 * The platform's verification keys by key id, fetched once per page. After a key rotation the
 * platform signs with a key the page has not seen: `refresh` fetches the set again past any cache.
 * @param {boolean} [refresh]
 */
function loadPlatformKeys(refresh = false) {
  if (refresh) platformKeys = null;
  platformKeys ??= (async () => {
    const response = await fetch(KEYS_URL, refresh ? { cache: 'no-cache' } : {});
    if (!response.ok) throw new IntegrityError(`cannot fetch the platform key (HTTP ${response.status})`);
    /** @type {{keys: {kid: string, kty: string, crv: string, x: string}[]}} */
    const jwks = await response.json();
    const keys = new Map();
    for (const jwk of jwks.keys) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') continue;
      const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, [
        'verify',
      ]);
      keys.set(jwk.kid, key);
    }
    return keys;
  })();
  platformKeys.catch(() => {
    platformKeys = null;
  });
  return platformKeys;
}

/** @param {string} header `keyid="…", sig="…"` */
function parseSignature(header) {
  /** @type {Record<string, string>} */
  const fields = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) fields[match[1]] = match[2];
  return fields;
}

/**
 * The launch a `/?open=` page carries (server/delivery/shell_page.py): the manifest's exact text and
 * its signature, checked like a fetched one. Taken once, by the launch it names; null otherwise.
 * @param {URL} url the launch the host is about to ask for
 * @param {string} appid
 * @returns {Promise<{url: string, body: string, signature: string} | null>}
 */
async function takeInlineLaunch(url, appid) {
  // The shell starts before the page has finished (its launch comes last, once the server has it).
  if (document.readyState === 'loading') {
    await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  }
  const element = document.getElementById('hutong-launch');
  if (!element) return null;
  /** @type {{appid: string, channel: string, scene: number, path: string, url: string, body: string, signature: string}} */
  let inline;
  try {
    inline = JSON.parse(element.textContent || '');
  } catch {
    return null;
  }
  const params = url.searchParams;
  const same =
    url.origin === location.origin &&
    url.pathname === `/api/apps/${encodeURIComponent(appid)}/launch` &&
    inline.appid === appid &&
    (params.get('channel') || 'release') === inline.channel &&
    Number(params.get('scene')) === inline.scene &&
    (params.get('path') || '') === inline.path;
  if (!same) return null;
  element.remove(); // a restart asks the platform again
  // Kept by the service worker as if fetched, so this app opens offline too (shell/sw.js).
  navigator.serviceWorker?.ready
    .then((registration) => registration.active?.postMessage({ t: 'keep-launch', url: url.href, body: inline.body, signature: inline.signature }))
    .catch(() => undefined);
  return inline;
}

/**
 * Fetch the launch manifest (or take the one the page carries) and verify its signature over the
 * exact bytes received.
 * @param {string} url
 * @param {string} appid the app the host asked for: a valid manifest for another app is refused too
 * @returns {Promise<Record<string, any>>}
 */
export async function fetchSignedManifest(url, appid) {
  const keys = loadPlatformKeys(); // in parallel with the manifest, not after it
  const inline = await takeInlineLaunch(new URL(url, location.href), appid);
  /** @type {ArrayBuffer} */
  let body;
  /** @type {string} */
  let signature;
  if (inline) {
    body = /** @type {ArrayBuffer} */ (new TextEncoder().encode(inline.body).buffer);
    signature = inline.signature;
  } else {
    const response = await fetch(url, { credentials: 'same-origin' });
    body = await response.arrayBuffer();
    if (!response.ok) {
      let detail = `HTTP ${response.status}`;
      try {
        detail = JSON.parse(new TextDecoder().decode(body)).detail || detail;
      } catch {
        /* not problem JSON: keep the status */
      }
      throw new Error(`cannot launch ${appid}: ${detail}`);
    }
    signature = response.headers.get('Hutong-Signature') || '';
  }
  const { keyid = '', sig = '' } = parseSignature(signature);
  // A key id the page has not seen: the platform rotated its key since; fetch the set once more. A
  // retired key is no longer listed, so what it signed stays refused.
  const key = (await keys).get(keyid) ?? (keyid ? (await loadPlatformKeys(true)).get(keyid) : undefined);
  if (!key || !sig) throw new IntegrityError(`the launch manifest of ${appid} is not signed by the platform`);
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64Url(sig), body);
  if (!valid) throw new IntegrityError(`the launch manifest of ${appid} was tampered with: bad signature`);
  const manifest = JSON.parse(new TextDecoder().decode(body));
  if (manifest.appid !== appid) throw new IntegrityError(`the launch manifest is for ${manifest.appid}, not ${appid}`);
  if (typeof manifest.expires_at === 'number' && manifest.expires_at * 1000 < Date.now()) {
    throw new IntegrityError(`the launch manifest of ${appid} has expired`);
  }
  return manifest;
}

/**
 * @param {{url: string, sha256: string}} bundle
 * @param {string} name for the error message
 * @returns {Promise<string>} the bundle's text, verified
 */
export async function fetchVerified(bundle, name) {
  return new TextDecoder().decode(await fetchVerifiedBytes(bundle, name));
}

/**
 * @param {{url: string, sha256: string}} bundle
 * @param {string} name for the error message
 * @returns {Promise<ArrayBuffer>} the file's bytes, verified
 */
export async function fetchVerifiedBytes(bundle, name) {
  const response = await fetch(bundle.url);
  if (!response.ok) throw new IntegrityError(`${name}: download failed (HTTP ${response.status})`);
  const buffer = await response.arrayBuffer();
  const actual = await sha256Hex(buffer);
  if (actual !== bundle.sha256) {
    throw new IntegrityError(`${name} was tampered with: its SHA-256 is ${actual}, not ${bundle.sha256}`);
  }
  return buffer;
}
