// @ts-check
/**
 * wx.createWorker: a worker thread for the app's own code in the folder app.json `workers` names, as
 * WeChat has it (one at a time; `worker.postMessage`/`onMessage` on both sides, `terminate` from the
 * app). The thread is a dedicated Worker started by the logic thread from a data: URL, so it inherits
 * the logic thread's policy (logic/sandbox.html: connect-src 'none', no 'unsafe-eval', scripts only from
 * the runtime and blobs), and before the app's code runs it takes the same names away as the logic
 * thread does (worker.js: no fetch, XMLHttpRequest, WebSocket, importScripts, nested workers; `Function`
 * answers only `Function('return this')`). It has no `wx`: WeChat's workers reach no network either.
 *
 * The worker is given the main package's logic bundle and defines only the modules under the workers
 * folder: `require` there reaches the folder's own modules only, as WeChat packs the folder alone.
 * Workers packed as a subpackage (`{"path": …, "isSubpackage": true}`) run the same way from the main
 * bundle, which holds every module.
 */
import { reportError } from '../errors.js';
import { has } from '../modules.js';

// Kept before worker.js takes `Worker` away from the app (its imports run before its body).
const NativeWorker = /** @type {typeof Worker | undefined} */ (/** @type {any} */ (globalThis).Worker);

/** The main package's logic bundle and the app's config, as worker.js received them at init. */
const app = { code: '', config: /** @type {Record<string, any>} */ ({}) };

/** worker.js at init: what a worker thread is made from. @param {string} code @param {Record<string, any>} config */
export function setWorkerSource(code, config) {
  app.code = code;
  app.config = config || {};
}

/** The workers folder app.json names ("workers" or {path: "workers"}), without slashes; '' when none. */
function workersRoot() {
  const declared = app.config.app?.workers ?? app.config.workers;
  const path = typeof declared === 'string' ? declared : typeof declared?.path === 'string' ? declared.path : '';
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * The worker thread's whole program: stringified into its data: URL, so it must use nothing from this
 * module. It locks the scope down first, then waits for {code, root, entry} and runs the entry module.
 */
/* c8 ignore start */
function workerMain() {
  const scope = /** @type {any} */ (globalThis);
  const importScript = scope.importScripts.bind(scope);
  const createObjectURL = URL.createObjectURL.bind(URL);
  const revokeObjectURL = URL.revokeObjectURL.bind(URL);
  const post = scope.postMessage.bind(scope);
  const listen = scope.addEventListener.bind(scope);
  const NETWORK = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'WebTransport', 'Request', 'Worker', 'SharedWorker'];
  for (let level = scope; level && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    for (const name of NETWORK) {
      if (!Object.prototype.hasOwnProperty.call(level, name)) continue;
      Reflect.deleteProperty(level, name);
      if (Object.prototype.hasOwnProperty.call(level, name)) Object.defineProperty(level, name, { value: undefined, configurable: false, writable: false });
    }
  }
  for (const name of NETWORK) if (name in scope) Object.defineProperty(scope, name, { value: undefined, configurable: false, writable: false });
  Reflect.deleteProperty(URL, 'createObjectURL');
  const NativeFunction = Function;
  const returnGlobal = function () {
    return globalThis;
  };
  const asksForGlobal = (/** @type {any[]} */ args) => args.length > 0 && args[args.length - 1] === 'return this';
  Object.defineProperty(scope, 'Function', {
    value: new Proxy(NativeFunction, {
      apply: (target, self, args) => (asksForGlobal(args) ? returnGlobal : Reflect.apply(target, self, args)),
      construct: (target, args, newTarget) => (asksForGlobal(args) ? returnGlobal : Reflect.construct(target, args, newTarget === scope.Function ? target : newTarget)),
    }),
    configurable: true,
    writable: true,
  });

  /** @type {Map<string, Function>} */
  const factories = new Map();
  /** @type {Map<string, {exports: any}>} */
  const cache = new Map();
  let root = '';
  const joinPath = (/** @type {string} */ from, /** @type {string} */ request) => {
    const base = request.startsWith('/') ? [] : from.split('/').slice(0, -1);
    for (const part of request.split('/')) {
      if (part === '..') base.pop();
      else if (part && part !== '.') base.push(part);
    }
    return base.join('/');
  };
  /** @param {string} path @returns {any} */
  const load = (path) => {
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const factory = factories.get(path);
    if (!factory) throw new Error(`module "${path}" is not defined`);
    const module = { exports: {} };
    cache.set(path, module);
    const require = (/** @type {string} */ request) => {
      const joined = joinPath(path, String(request));
      const found = [joined, `${joined}.js`, `${joined}/index.js`].find((candidate) => factories.has(candidate));
      if (!found) throw new Error(`module "${request}" is not defined (required from ${path})`);
      return load(found);
    };
    factory.call(module.exports, require, module, module.exports);
    return module.exports;
  };
  /** @type {Function[]} */
  const handlers = [];
  const worker = {
    /** @param {any} message */
    postMessage(message) {
      post({ t: 'message', message });
    },
    /** @param {Function} handler */
    onMessage(handler) {
      if (typeof handler === 'function') handlers.push(handler);
    },
  };
  const report = (/** @type {any} */ error) => post({ t: 'error', message: String(error && error.stack ? error.stack : error) });
  Object.defineProperty(scope, 'worker', { value: worker, enumerable: true });
  scope.global = scope;
  scope.__hutong_define = (/** @type {string} */ path, /** @type {Function} */ factory) => {
    if (path.startsWith(`${root}/`)) factories.set(path, factory);
  };
  listen('error', (/** @type {ErrorEvent} */ event) => {
    report(event.error || event.message);
    event.preventDefault();
  });
  listen('unhandledrejection', (/** @type {PromiseRejectionEvent} */ event) => {
    report(event.reason);
    event.preventDefault();
  });
  let started = false;
  listen('message', (/** @type {MessageEvent} */ event) => {
    if (started) {
      for (const handler of handlers.slice()) {
        try {
          handler(event.data);
        } catch (error) {
          report(error);
        }
      }
      return;
    }
    started = true;
    root = event.data.root;
    const url = createObjectURL(new Blob([`${event.data.code}\n//# sourceURL=worker.js#${root}`], { type: 'text/javascript' }));
    try {
      importScript(url);
      delete scope.__hutong_define;
      load(event.data.entry);
    } catch (error) {
      report(error);
    } finally {
      revokeObjectURL(url);
    }
  });
}
/* c8 ignore stop */

/** The worker thread now running, if any: WeChat allows one at a time. @type {Worker | null} */
let running = null;

/**
 * @param {string} scriptPath the entry module, from the app's root, in the workers folder
 * @param {{useExperimentalWorker?: boolean}} [_options] accepted; every worker here is the same kind
 */
export function createWorker(scriptPath, _options) {
  const root = workersRoot();
  if (!root) throw new Error('createWorker:fail app.json has no "workers" folder');
  const path = String(scriptPath || '').replace(/^\/+/, '');
  if (!path.startsWith(`${root}/`)) throw new Error(`createWorker:fail ${scriptPath} is not in the workers folder "${root}"`);
  const entry = path.endsWith('.js') ? path : `${path}.js`;
  if (!has(entry)) throw new Error(`createWorker:fail ${scriptPath} is not a module of the app`);
  if (!NativeWorker) throw new Error('createWorker:fail not supported');
  if (running) throw new Error('createWorker:fail only one worker may run at a time: terminate the last one first');
  const thread = new NativeWorker(`data:text/javascript,${encodeURIComponent(`(${workerMain.toString()})();`)}`, { name: `worker:${entry}` });
  running = thread;
  /** @type {Set<Function>} */
  const handlers = new Set();
  /** @type {Set<Function>} */
  const errorHandlers = new Set();
  let alive = true;
  thread.onmessage = (event) => {
    const data = event.data || {};
    if (data.t === 'message') {
      for (const handler of [...handlers]) handler(data.message);
    } else if (data.t === 'error') {
      if (errorHandlers.size) for (const handler of [...errorHandlers]) handler({ message: data.message });
      else reportError(new Error(`worker ${entry}: ${data.message}`));
    }
  };
  thread.onerror = (event) => {
    event.preventDefault();
    reportError(new Error(`worker ${entry}: ${event.message || 'failed'}`));
  };
  thread.postMessage({ code: app.code, root, entry });
  return {
    /** @param {any} message */
    postMessage(message) {
      if (alive) thread.postMessage(message);
    },
    /** @param {Function} handler */
    onMessage(handler) {
      if (typeof handler === 'function') handlers.add(handler);
    },
    /** @param {Function} handler */
    onError(handler) {
      if (typeof handler === 'function') errorHandlers.add(handler);
    },
    /** Never called: a browser does not reclaim a worker under memory pressure the way iOS does. @param {Function} _handler */
    onProcessKilled(_handler) {},
    testOnProcessKilled() {},
    /** Camera frames come from `<camera>` frame listeners, which this worker has no access to. */
    getCameraFrameData() {
      return undefined;
    },
    terminate() {
      if (!alive) return;
      alive = false;
      thread.terminate();
      if (running === thread) running = null;
    },
  };
}

export const worker = { createWorker };
