// @ts-check
/** CommonJS modules of the logic bundle: `__hutong_define` registers, `require` resolves and runs. */

/** @typedef {(require: any, module: {exports: any}, exports: any) => void} Factory */

/** @type {Map<string, Factory>} */
const factories = new Map();
/** @type {Map<string, {exports: any}>} */
const cache = new Map();
/** @type {(path: string) => Promise<void>} loads the subpackage holding a module path (worker.js) */
let loadPackageOf = (path) => Promise.reject(new Error(`module "${path}" is not defined`));

/** worker.js: how `require.async` brings in a subpackage. @param {typeof loadPackageOf} loader */
export function setPackageLoader(loader) {
  loadPackageOf = loader;
}

/** @param {string} path @param {Factory} factory */
export function define(path, factory) {
  factories.set(path, factory);
}

/**
 * Resolve `request` relative to the module at `from` (a path like `pages/index/index.js`).
 * @param {string} from
 * @param {string} request
 */
export function resolve(from, request) {
  const found = find(joinPath(from, request));
  if (found) return found;
  throw new Error(`module "${request}" is not defined (required from ${from})`);
}

/** @param {string} from @param {string} request */
function joinPath(from, request) {
  const base = request.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const part of request.split('/')) {
    if (part === '..') base.pop();
    else if (part && part !== '.') base.push(part);
  }
  return base.join('/');
}

/** @param {string} joined @returns {string | null} */
function find(joined) {
  for (const candidate of [joined, `${joined}.js`, `${joined}/index.js`]) {
    if (factories.has(candidate)) return candidate;
  }
  return null;
}

/**
 * `require.async`: the module's exports, once the subpackage holding it has loaded (it may be
 * another package's); rejects with WeChat's `{mod, errMsg}` when there is no such module.
 * @param {string} from @param {string} request
 */
function loadAsync(from, request) {
  const joined = joinPath(from, String(request));
  const now = find(joined);
  const loaded = now ? Promise.resolve() : loadPackageOf(joined);
  return loaded.then(
    () => {
      const path = find(joined);
      if (!path) throw { mod: request, errMsg: `module "${request}" is not defined (required from ${from})` };
      try {
        return load(path);
      } catch (error) {
        throw { mod: request, errMsg: String(error && error.message ? error.message : error) };
      }
    },
    (error) => {
      throw { mod: request, errMsg: String(error && error.message ? error.message : error) };
    },
  );
}

/** @param {string} path @returns {any} */
export function load(path) {
  const cached = cache.get(path);
  if (cached) return cached.exports;
  const factory = factories.get(path);
  if (!factory) throw new Error(`module "${path}" is not defined`);
  const module = { exports: {} };
  cache.set(path, module);
  /** @param {string} request */
  const require = (request) => load(resolve(path, request));
  require.async = (/** @type {string} */ request) => loadAsync(path, request);
  factory.call(module.exports, require, module, module.exports);
  return module.exports;
}

/** @param {string} path */
export function has(path) {
  return factories.has(path);
}
