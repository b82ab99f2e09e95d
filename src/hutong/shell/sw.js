// @ts-check
/// <reference lib="webworker" />
/**
 * The host's service worker (served at /sw.js, scope /). It shows the subscription messages Web Push
 * brings while the host is closed (server/subscribe/webpush.py sends them encrypted to this browser;
 * the browser decrypts them before `push` fires), and a click opens the host at the message's page
 * (scene 1014). It opens only the host's own addresses: a payload naming another site is ignored.
 * It caches nothing; a caching worker for the shell would share this file (one worker per scope).
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
    data = event.data ? event.data.json() : {};
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
