// @ts-check
/** CommonJS modules of the logic bundle: `__hutong_define` registers, `require` resolves and runs. */

/** @typedef {(require: (p: string) => any, module: {exports: any}, exports: any) => void} Factory */

/** @type {Map<string, Factory>} */
const factories = new Map();
/** @type {Map<string, {exports: any}>} */
const cache = new Map();

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
  const base = request.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const part of request.split('/')) {
    if (part === '..') base.pop();
    else if (part && part !== '.') base.push(part);
  }
  const joined = base.join('/');
  for (const candidate of [joined, `${joined}.js`, `${joined}/index.js`]) {
    if (factories.has(candidate)) return candidate;
  }
  throw new Error(`module "${request}" is not defined (required from ${from})`);
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
  factory.call(module.exports, require, module, module.exports);
  return module.exports;
}

/** @param {string} path */
export function has(path) {
  return factories.has(path);
}
