// @ts-check
/**
 * Network, performed by the host for the logic thread (which has no network of its own): only the
 * app's allowed domains from the signed launch manifest, HTTPS/WSS only. Loopback targets are allowed
 * when the platform itself is served from loopback (a developer's machine, `hutong check`, the tests);
 * `hutong dev` allows every domain, and says so in a banner over the app.
 * At most 10 requests/transfers and 5 sockets at once; more wait in line, as in WeChat.
 */
import { el, ensureStyles } from './ui.js';
import { fileBytes, newTempFile } from './transfer-files.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const MAX_REQUESTS = 10;
const MAX_SOCKETS = 5;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Per running mini program: its queue, running tasks and sockets. @type {WeakMap<MiniProgram, {active: number, queue: (() => void)[], aborts: Map<number, () => void>, sockets: Map<number, WebSocket>}>} */
const states = new WeakMap();

/** @param {MiniProgram} mp */
function state(mp) {
  let s = states.get(mp);
  if (!s) {
    s = { active: 0, queue: [], aborts: new Map(), sockets: new Map() };
    states.set(mp, s);
  }
  return s;
}

export function isDevMode() {
  return Boolean(document.querySelector('script[src$="/_rt/host/devreload.js"]'));
}

/** @param {MiniProgram} mp */
function showDevBanner(mp) {
  if (mp.surface.querySelector('.hutong-dev-banner')) return;
  ensureStyles(mp.runtimeBase);
  mp.surface.appendChild(el('div', { className: 'hutong-dev-banner' }, ['hutong dev: domain allow-list not enforced']));
}

/**
 * The URL, if this app may reach it for `kind`; an Error saying why not otherwise.
 * @param {MiniProgram} mp @param {string} kind @param {any} raw
 */
export function checkUrl(mp, kind, raw) {
  let url;
  try {
    url = new URL(String(raw));
  } catch {
    throw new Error(`invalid url "${raw}"`);
  }
  const secure = kind === 'socket' ? 'wss:' : 'https:';
  const plain = kind === 'socket' ? 'ws:' : 'http:';
  if (url.protocol !== secure && url.protocol !== plain) throw new Error(`invalid url "${raw}"`);
  // Never the platform itself: its API answers with the host's session (a socket would carry the
  // host's cookies), and nothing there is meant for a mini program.
  if (url.host === location.host) throw new Error(`url not in domain list: ${url.origin}`);
  if (LOOPBACK.has(url.hostname) && LOOPBACK.has(location.hostname)) return url;
  if (isDevMode()) {
    showDevBanner(mp);
    return url;
  }
  if (url.protocol !== secure) throw new Error(`url not in domain list (${kind} needs ${secure}//)`);
  const allowed = /** @type {string[]} */ ((/** @type {any} */ (mp).domains || {})[kind] || []);
  if (!allowed.some((entry) => new URL(entry).origin === url.origin)) throw new Error(`url not in domain list: ${url.origin}`);
  return url;
}

/**
 * Run `work` when fewer than 10 requests run; the rest wait in order.
 * @template T @param {MiniProgram} mp @param {() => Promise<T>} work @returns {Promise<T>}
 */
function queued(mp, work) {
  const s = state(mp);
  return new Promise((resolve, reject) => {
    const run = () => {
      s.active += 1;
      work()
        .then(resolve, reject)
        .finally(() => {
          s.active -= 1;
          s.queue.shift()?.();
        });
    };
    if (s.active < MAX_REQUESTS) run();
    else s.queue.push(run);
  });
}

/** @param {MiniProgram} mp @param {number} task @param {string} type @param {any} res */
function taskEvent(mp, task, type, res) {
  mp.worker?.postMessage({ t: 'api:event', task, type, res });
}

/** @param {Headers} headers */
function headerObject(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  headers.forEach((value, key) => {
    out[key.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())] = value;
  });
  return out;
}

/** @param {Record<string, any>} data */
function formEncode(data) {
  return Object.entries(data)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))}`)
    .join('&');
}

/**
 * WeChat's rules for `data`: GET puts an object in the query string; otherwise a JSON content type
 * (the default) sends JSON, a form content type sends `a=1&b=2`; strings and ArrayBuffers go as they are.
 * @param {string} method @param {URL} url @param {Record<string, string>} header @param {any} data
 */
function body(method, url, header, data) {
  if (data === undefined || data === null) return undefined;
  if (method === 'GET') {
    if (typeof data === 'object' && !(data instanceof ArrayBuffer)) {
      const query = formEncode(data);
      if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
    } else if (typeof data === 'string' && data) url.search = url.search ? `${url.search}&${data}` : `?${data}`;
    return undefined;
  }
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  const type = Object.entries(header).find(([key]) => key.toLowerCase() === 'content-type')?.[1] || 'application/json';
  return type.includes('application/x-www-form-urlencoded') ? formEncode(data) : JSON.stringify(data);
}

/** @param {MiniProgram} mp @param {string} kind */
function timeoutFor(mp, kind, given = 0) {
  return Number(given) || Number(mp.config.networkTimeout?.[kind]) || 60000;
}

/**
 * One fetch with WeChat's abort and timeout: rejects with WeChat's reasons.
 * @param {MiniProgram} mp @param {number} task @param {string} kind @param {number} timeoutMs
 * @param {(signal: AbortSignal) => Promise<any>} work
 */
async function abortable(mp, task, _kind, timeoutMs, work) {
  const s = state(mp);
  const controller = new AbortController();
  let reason = '';
  s.aborts.set(task, () => {
    reason = 'abort';
    controller.abort();
  });
  const timer = setTimeout(() => {
    reason = 'timeout';
    controller.abort();
  }, timeoutMs);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (reason) throw new Error(reason);
    throw new Error(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
    s.aborts.delete(task);
  }
}

/** @param {Response} response @param {(loaded: number, total: number) => void} progress */
async function readWithProgress(response, progress) {
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
async function request(mp, args) {
  const url = checkUrl(mp, 'request', args.url);
  const method = String(args.method || 'GET').toUpperCase();
  const allowed = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH'];
  if (!allowed.includes(method)) throw new Error(`invalid method ${method}`);
  /** @type {Record<string, string>} */
  const header = { ...(args.header || {}) };
  const payload = body(method, url, header, args.data);
  if (payload !== undefined && !Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = 'application/json';
  return queued(mp, () =>
    abortable(mp, args.task, 'request', timeoutFor(mp, 'request', args.timeout), async (signal) => {
      const response = await fetch(url, { method, headers: header, body: payload, signal, credentials: 'omit', redirect: 'follow' });
      const headerRes = headerObject(response.headers);
      taskEvent(mp, args.task, 'headersReceived', { header: headerRes, statusCode: response.status });
      /** @type {any} */
      let data;
      if (args.responseType === 'arraybuffer') data = await response.arrayBuffer();
      else {
        data = await response.text();
        if ((args.dataType ?? 'json') === 'json') {
          try {
            data = JSON.parse(data);
          } catch {
            // WeChat hands over the text when it is not JSON.
          }
        }
      }
      return { data, statusCode: response.status, header: headerRes, cookies: [] };
    }),
  );
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
async function downloadFile(mp, args) {
  const url = checkUrl(mp, 'download', args.url);
  return queued(mp, () =>
    abortable(mp, args.task, 'download', timeoutFor(mp, 'downloadFile', args.timeout), async (signal) => {
      const response = await fetch(url, { headers: args.header || {}, signal, credentials: 'omit' });
      taskEvent(mp, args.task, 'headersReceived', { header: headerObject(response.headers) });
      const bytes = await readWithProgress(response, (loaded, total) =>
        taskEvent(mp, args.task, 'progressUpdate', { progress: total ? Math.round((loaded / total) * 100) : 0, totalBytesWritten: loaded, totalBytesExpectedToWrite: total }),
      );
      const type = response.headers.get('content-type') || '';
      const file = newTempFile(mp, bytes.buffer, type, url.pathname);
      return { tempFilePath: file.path, statusCode: response.status, fileBytes: file.bytes, ...(args.filePath ? { filePath: args.filePath } : {}) };
    }),
  );
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
async function uploadFile(mp, args) {
  const url = checkUrl(mp, 'upload', args.url);
  const bytes = args.fileBytes instanceof ArrayBuffer ? args.fileBytes : fileBytes(mp, String(args.filePath || ''));
  if (!bytes) throw new Error(`file not found: ${args.filePath}`);
  const form = new FormData();
  for (const [key, value] of Object.entries(args.formData || {})) form.append(key, String(value));
  const fileName = String(args.filePath || 'file').split('/').pop() || 'file';
  form.append(String(args.name || 'file'), new Blob([bytes]), fileName);
  return queued(mp, () =>
    abortable(mp, args.task, 'upload', timeoutFor(mp, 'uploadFile', args.timeout), async (signal) => {
      taskEvent(mp, args.task, 'progressUpdate', { progress: 0, totalBytesSent: 0, totalBytesExpectedToSend: bytes.byteLength });
      const response = await fetch(url, { method: 'POST', headers: args.header || {}, body: form, signal, credentials: 'omit' });
      taskEvent(mp, args.task, 'progressUpdate', { progress: 100, totalBytesSent: bytes.byteLength, totalBytesExpectedToSend: bytes.byteLength });
      return { data: await response.text(), statusCode: response.status };
    }),
  );
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
function connectSocket(mp, args) {
  const url = checkUrl(mp, 'socket', args.url);
  const s = state(mp);
  if (s.sockets.size >= MAX_SOCKETS) throw new Error(`exceed max task count (${MAX_SOCKETS})`);
  const protocols = Array.isArray(args.protocols) ? args.protocols.map(String) : undefined;
  const socket = new WebSocket(url, protocols);
  socket.binaryType = 'arraybuffer';
  const task = Number(args.task);
  s.sockets.set(task, socket);
  socket.onopen = () => taskEvent(mp, task, 'open', { header: {}, profile: {} });
  socket.onmessage = (event) => taskEvent(mp, task, 'message', { data: event.data });
  socket.onerror = () => taskEvent(mp, task, 'error', { errMsg: 'connectSocket:fail network error' });
  socket.onclose = (event) => {
    s.sockets.delete(task);
    taskEvent(mp, task, 'close', { code: event.code, reason: event.reason });
  };
  return { socketTaskId: task };
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
function socketOf(mp, args) {
  const socket = state(mp).sockets.get(Number(args.task));
  if (!socket || socket.readyState !== WebSocket.OPEN) throw new Error('WebSocket is not connected');
  return socket;
}

export const network = {
  request,
  downloadFile,
  uploadFile,
  connectSocket,
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  sendSocketMessage: (mp, args) => {
    socketOf(mp, args).send(args.data);
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  closeSocket: (mp, args) => {
    const socket = state(mp).sockets.get(Number(args.task));
    if (!socket) throw new Error('WebSocket is not connected');
    socket.close(args.code ?? 1000, args.reason === undefined ? undefined : String(args.reason));
    return {};
  },
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  hutongAbort: (mp, args) => {
    state(mp).aborts.get(Number(args.task))?.();
    return {};
  },
};
