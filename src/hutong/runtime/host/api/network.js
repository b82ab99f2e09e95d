// @ts-check
/**
 * Network, performed by the host for the logic thread (which has no network of its own): only the
 * origins on the app's lists in the signed launch manifest, compared exactly (scheme, host, port; the
 * WHATWG URL parser has already resolved userinfo, IDN, default ports and the like, so
 * `https://allowed.example@evil.example` is evil.example). The platform only accepts https/wss
 * origins for those lists; the tests write loopback http origins straight into the database.
 * `hutong dev` and `hutong check --allow-any-domain` allow every origin, and say so in a banner over
 * the app. A refusal is also reported on the app's surface (`hutong:refused`), for `hutong check`.
 *
 * Direct requests follow no redirect: the browser would follow it before the host could see where it
 * leads. Origins on the manifest's `proxy` list (servers that send no CORS headers) go through the
 * platform's egress proxy (`POST /api/apps/{appid}/egress`), which follows up to 5 redirects and checks
 * each hop against the lists and its address rules.
 * At most 10 requests/transfers and 5 sockets at once; more wait in line, as in WeChat.
 */
import { report } from './log.js';
import { el, ensureStyles } from './ui.js';
import { fileBytes, newTempFile } from './transfer-files.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const MAX_REQUESTS = 10;
const MAX_SOCKETS = 5;

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

/**
 * Who lifted the allow-list on this host page, if anyone: `hutong dev` (its reload script) or
 * `hutong check --allow-any-domain` (a meta tag the check's own server adds). Null otherwise.
 * @returns {string | null}
 */
export function allowListLiftedBy() {
  if (document.querySelector('script[src$="/_rt/host/devreload.js"]')) return 'hutong dev';
  const meta = document.querySelector('meta[name="hutong-any-domain"]');
  return meta ? 'hutong check --allow-any-domain' : null;
}

/** @param {MiniProgram} mp @param {string} by */
function showDevBanner(mp, by) {
  if (mp.surface.querySelector('.hutong-dev-banner')) return;
  ensureStyles(mp.runtimeBase);
  mp.surface.appendChild(el('div', { className: 'hutong-dev-banner' }, [`${by}: domain allow-list not enforced`]));
}

/** @param {MiniProgram} mp @param {string} kind @param {string} origin */
function reportRefused(mp, kind, origin) {
  mp.surface.dispatchEvent(new CustomEvent('hutong:refused', { detail: { what: kind, origin } }));
}

/** @param {MiniProgram} mp @param {string} kind @returns {string[]} the origins on that list */
function listed(mp, kind) {
  const entries = /** @type {string[]} */ ((/** @type {any} */ (mp).domains || {})[kind] || []);
  return entries.flatMap((entry) => {
    try {
      return [new URL(entry).origin];
    } catch {
      return [];
    }
  });
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
  if (url.username || url.password) throw new Error(`invalid url "${raw}" (no user name or password)`);
  if (listed(mp, kind).includes(url.origin)) return url;
  const liftedBy = allowListLiftedBy();
  if (liftedBy) {
    showDevBanner(mp, liftedBy);
    return url;
  }
  reportRefused(mp, kind, url.origin);
  throw new Error(`url not in domain list: ${url.origin}${url.protocol === secure ? '' : ` (${kind} needs ${secure}//)`}`);
}

/** @param {Uint8Array} bytes */
function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** @param {string} text */
function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** HTTP statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Fetch `url` for the app: directly (no redirects followed), or through the platform's egress proxy
 * when its origin is on the `proxy` list. Either way the answer is a Response.
 * @param {MiniProgram} mp @param {'request'|'upload'|'download'} kind @param {URL} url
 * @param {{method?: string, headers?: Record<string, string>, body?: any, signal: AbortSignal, timeout: number}} init
 * @returns {Promise<Response>}
 */
async function send(mp, kind, url, init) {
  const method = init.method || 'GET';
  if (!listed(mp, 'proxy').includes(url.origin)) {
    const response = await fetch(url, { method, headers: init.headers, body: init.body, signal: init.signal, credentials: 'omit', redirect: 'manual' });
    if (response.type === 'opaqueredirect') throw new Error(`redirect refused: ${url.origin} answered with a redirect (only origins on the proxy list follow redirects)`);
    return response;
  }
  /** @type {Record<string, string>} */
  const headers = { ...(init.headers || {}) };
  let bytes = null;
  if (init.body !== undefined && init.body !== null) {
    // FormData and strings become bytes the way fetch would send them (with the multipart boundary).
    const encoded = new Response(init.body);
    const type = encoded.headers.get('content-type');
    if (type && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = type;
    bytes = new Uint8Array(await encoded.arrayBuffer());
  }
  const token = /** @type {any} */ (mp).eventsToken || '';
  const relay = await fetch(`/api/apps/${encodeURIComponent(mp.appid)}/egress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'hutong-app-token': token },
    body: JSON.stringify({ url: url.href, method, header: headers, body: bytes ? toBase64(bytes) : null, kind, timeout: init.timeout }),
    signal: init.signal,
    // The platform's own cookies are not the mini program's business, and the proxy needs none.
    credentials: 'omit',
  });
  const answer = await relay.json().catch(() => ({}));
  if (!relay.ok) throw new Error(`${answer.code || relay.status}: ${answer.detail || 'egress refused'}`);
  const responseHeaders = new Headers();
  for (const [name, value] of answer.headers || []) {
    try {
      responseHeaders.append(name, value);
    } catch {
      // A header value the Fetch API refuses is dropped, as a browser would.
    }
  }
  const status = Number(answer.status);
  return new Response(NULL_BODY.has(status) ? null : fromBase64(String(answer.body || '')), { status, headers: responseHeaders });
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

/**
 * A request that failed (no answer, or a server error) counts against its domain in the app's
 * analytics. An abort the app asked for is no failure.
 * @param {MiniProgram} mp @param {URL} url @param {Record<string, any>} data
 */
function failed(mp, url, data) {
  if (data.errMsg === 'abort') return;
  report(mp, { kind: 'request', name: url.host.slice(0, 128), data });
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
  const answer = queued(mp, () =>
    abortable(mp, args.task, 'request', timeoutFor(mp, 'request', args.timeout), async (signal) => {
      const response = await send(mp, 'request', url, { method, headers: header, body: payload, signal, timeout: timeoutFor(mp, 'request', args.timeout) });
      if (response.status >= 500) failed(mp, url, { status: response.status });
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
  answer.catch((error) => failed(mp, url, { errMsg: String(error?.message || error).slice(0, 200) }));
  return answer;
}

/** @param {MiniProgram} mp @param {Record<string, any>} args */
async function downloadFile(mp, args) {
  const url = checkUrl(mp, 'download', args.url);
  return queued(mp, () =>
    abortable(mp, args.task, 'download', timeoutFor(mp, 'downloadFile', args.timeout), async (signal) => {
      const response = await send(mp, 'download', url, { headers: args.header || {}, signal, timeout: timeoutFor(mp, 'downloadFile', args.timeout) });
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
      const response = await send(mp, 'upload', url, { method: 'POST', headers: args.header || {}, body: form, signal, timeout: timeoutFor(mp, 'uploadFile', args.timeout) });
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
