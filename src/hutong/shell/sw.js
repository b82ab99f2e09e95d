// @ts-check
/// <reference lib="webworker" />
/* global VERSION -- the server prepends `const VERSION = "…";` (server/delivery/runtime_assets.py) */
/**
 * The host's service worker (served at /sw.js, scope /; one worker per scope, so it does two jobs).
 *
 * Web Push: it shows the subscription messages Web Push brings while the host is closed
 * (server/subscribe/webpush.py sends them encrypted to this browser; the browser decrypts them before
 * `push` fires), and a click opens the host at the message's page (scene 1014). It opens only the host's
 * own addresses: a payload naming another site is ignored. It never calls getNotifications() (to merge or
 * count them): in Chromium, a call that overlaps another push's showNotification() deletes that
 * notification's stored record while it stays on screen (content/browser/notifications/
 * platform_notification_context_impl.cc), and a click is dispatched from that record (the figures are in
 * tests/test_runtime_subscribe.py, which reads them only once the browser has logged each one displayed).
 *
 * Offline: a mini program opened once opens again without the network (`VERSION` is the runtime's).
 * - The bundles under /blobs/<sha256> and the runtime and the shell under /_rt/<VERSION>/ are
 *   immutable by their addresses: the browser's HTTP cache keeps them and they bypass this worker (a
 *   static route); where a browser lacks static routing, this worker keeps them, cache first. The host
 *   still checks every bundle's SHA-256 against the signed launch manifest, so a cached bundle can only
 *   ever be the one the manifest names.
 * - The shell page (fetched when this worker installs, so a reload offline starts), launch manifests,
 *   the platform's keys and the home screen's lists: network first, the last answer kept for when the
 *   network fails. The manifest decides which release runs, so a new release or a rollback
 *   takes effect on the next online open; offline, the host still refuses a manifest past its expiry.
 * - A new runtime version is a new worker, which drops the previous version's files when it activates.
 * The page frames and the logic sandbox are not this worker's: sandboxed frames with opaque origins are
 * no service worker's clients (the shell boots them while online, host/preboot.js).
 */

const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** @param {unknown} value @param {number} limit */
const text = (value, limit) => String(value ?? '').slice(0, limit);

/** The host's own address for `url`, or the home page. @param {unknown} url */
function hostUrl(url) {
  try {
    const target = new URL(text(url, 2048) || '/', worker.location.origin);
    return target.origin === worker.location.origin ? target.href : worker.location.origin + '/';
  } catch {
    return worker.location.origin + '/';
  }
}

worker.addEventListener('push', (event) => {
  /** @type {Record<string, unknown>} */
  let data = {};
  try {
    const parsed = event.data ? event.data.json() : {};
    // JSON that is no object is still shown (a push must show something): a number or a string as
    // its text, null as nothing but the title.
    data = parsed !== null && typeof parsed === 'object' ? parsed : { body: parsed ?? '' };
  } catch {
    data = { body: event.data?.text() || '' };
  }
  const title = text(data.title, 100) || 'Hutong';
  const options = { body: text(data.body, 500), tag: text(data.tag, 64) || undefined, data: { url: hostUrl(data.url) } };
  event.waitUntil(worker.registration.showNotification(title, options));
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(worker.clients.openWindow(hostUrl(event.notification.data?.url)));
});

// -- offline ------------------------------------------------------------------------------------------

const RUNTIME_CACHE = `hutong-runtime-${VERSION}`;
const BLOB_CACHE = 'hutong-blobs';
const LAUNCH_CACHE = 'hutong-launch';
const KEYS_PATH = '/.well-known/hutong/platform-keys.json';
/** Every host address serves this one page, which reads its own address (server/app.py). */
const SHELL_PAGE = '/';
/** The home screen's lists: kept (network first) so a shell reloaded offline lists what it can open. */
const HOME_LISTS = /^\/api\/(?:apps|categories|me\/recent|me\/pinned)$/;

worker.addEventListener('install', (event) => {
  // The runtime's and the shell's own files, and the bundles under /blobs/, skip this worker altogether
  // (static routing): they are immutable, so the browser's HTTP cache keeps them (offline too), and
  // running this script for each request made a reload slower, not faster (each one started this
  // worker's thread and crossed the browser process twice).
  const install = /** @type {any} */ (event);
  if (typeof install.addRoutes === 'function') {
    const network = (/** @type {string} */ pathname) => ({ condition: { urlPattern: new URLPattern({ pathname }) }, source: 'network' });
    event.waitUntil(install.addRoutes([network('/_rt/*'), network('/blobs/*')]).catch(() => undefined));
  }
  // The shell page itself, the home screen's list and the platform's keys, so that a shell reloaded
  // with the network cut still starts, lists the apps and checks a kept manifest: the page that
  // registered this worker never passed through it.
  event.waitUntil(
    Promise.all([
      caches.open(RUNTIME_CACHE).then((cache) => cache.add(SHELL_PAGE)),
      caches.open(LAUNCH_CACHE).then((cache) => cache.addAll(['/api/apps', KEYS_PATH])),
    ]).catch(() => undefined),
  );
  worker.skipWaiting();
});

worker.addEventListener('activate', (event) => {
  const stale = (/** @type {string} */ name) => name.startsWith('hutong-runtime-') && name !== RUNTIME_CACHE;
  // The open shell pages too, so the launches they make from now on are kept.
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(stale).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

/** Where a launch manifest is kept: one per app and channel (the scene and page are the launch's). @param {URL} url */
const launchKey = (url) => `${url.origin}${url.pathname}?channel=${url.searchParams.get('channel') || 'release'}`;
const LAUNCH_PATH = /^\/api\/apps\/[^/]+\/launch$/;

worker.addEventListener('message', (event) => {
  // Who launches changed (sign in or out): launch manifests name their audience, drop them.
  if (event.data?.t === 'forget-launches') event.waitUntil(caches.delete(LAUNCH_CACHE));
  // A launch a `/?open=` page carried (host/integrity.js): kept as if it had been fetched. Only ever
  // used once its signature checks, like any kept manifest.
  if (event.data?.t === 'keep-launch') {
    const { url, body, signature } = event.data;
    let target;
    try {
      target = new URL(text(url, 2048));
    } catch {
      return;
    }
    if (target.origin !== worker.location.origin || !LAUNCH_PATH.test(target.pathname)) return;
    const response = new Response(text(body, 1 << 20), {
      headers: { 'Content-Type': 'application/json', 'Hutong-Signature': text(signature, 1000) },
    });
    event.waitUntil(caches.open(LAUNCH_CACHE).then((cache) => cache.put(launchKey(target), response)));
  }
});

/** @param {string} cacheName @param {Request} request */
async function cacheFirst(cacheName, request) {
  const cache = await caches.open(cacheName);
  // A media element asks for byte ranges to seek: the whole file is fetched and kept, and each range is
  // cut from it (the Cache API keeps only whole answers).
  const range = request.headers.get('range');
  const hit = await cache.match(request.url, { ignoreVary: true });
  if (hit) return range ? partial(hit, range) : hit;
  const response = await fetch(range ? request.url : request);
  if (response.status === 200) await cache.put(request.url, response.clone());
  return range && response.status === 200 ? partial(response, range) : response;
}

/**
 * The part of a whole answer one `Range: bytes=…` asks for (206), or the whole when it asks for
 * several ranges or another unit; 416 past the end.
 * @param {Response} whole @param {string} range
 */
async function partial(whole, range) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (!match[1] && !match[2])) return whole;
  const body = await whole.arrayBuffer();
  const total = body.byteLength;
  let start = match[1] ? Number(match[1]) : Math.max(0, total - Number(match[2]));
  const end = match[1] && match[2] ? Math.min(Number(match[2]), total - 1) : total - 1;
  if (!match[1] && Number(match[2]) === 0) start = total;
  if (start >= total || end < start) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${total}` } });
  const headers = new Headers(whole.headers);
  headers.set('Content-Range', `bytes ${start}-${end}/${total}`);
  headers.set('Content-Length', String(end - start + 1));
  return new Response(body.slice(start, end + 1), { status: 206, headers });
}

/** @param {string} cacheName @param {Request} request @param {string} key @param {boolean} [keep] */
async function networkFirst(cacheName, request, key, keep = true) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (keep && response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
  const path = url.pathname;
  if (path.startsWith(`/_rt/${VERSION}/`)) {
    event.respondWith(cacheFirst(RUNTIME_CACHE, request));
  } else if (/^\/blobs\/[0-9a-f]{64}$/.test(path)) {
    event.respondWith(cacheFirst(BLOB_CACHE, request));
  } else if (LAUNCH_PATH.test(path)) {
    event.respondWith(networkFirst(LAUNCH_CACHE, request, launchKey(url)));
  } else if (path === KEYS_PATH) {
    event.respondWith(networkFirst(LAUNCH_CACHE, request, request.url));
  } else if (HOME_LISTS.test(path)) {
    // Per user like the manifests (recent, pinned): dropped with them on signing in or out.
    event.respondWith(networkFirst(LAUNCH_CACHE, request, request.url));
  } else if (request.mode === 'navigate' && (path === '/' || path.startsWith('/miniapp/') || path.startsWith('/s/'))) {
    // Every such address serves the same shell page, which reads its own address; only the plain home
    // page is kept (another address's page may carry that address's launch, server/app.py).
    event.respondWith(networkFirst(RUNTIME_CACHE, request, `${url.origin}${SHELL_PAGE}`, path === SHELL_PAGE && !url.search));
  }
});
