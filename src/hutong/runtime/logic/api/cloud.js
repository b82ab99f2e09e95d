// @ts-check
/**
 * `wx.cloud`: WeChat's cloud development (functions, database, storage) has no back end on this
 * platform. Apps call `wx.cloud.init()` at launch and build database handles at the top of modules,
 * so neither throws nor counts as use; every call that would reach the cloud fails the WeChat way
 * ("cloud.<name>:fail not supported") and is reported once.
 */
import { reportUnsupported } from '../call.js';

/** @param {string} name @param {any} options */
function fail(name, options) {
  reportUnsupported(`cloud.${name}`);
  const res = { errMsg: `cloud.${name}:fail not supported` };
  const opts = options && typeof options === 'object' ? options : {};
  if (typeof opts.fail === 'function' || typeof opts.complete === 'function' || typeof opts.success === 'function') {
    Promise.resolve().then(() => {
      if (typeof opts.fail === 'function') opts.fail(res);
      if (typeof opts.complete === 'function') opts.complete(res);
    });
    return undefined;
  }
  return Promise.reject(res);
}

/** The methods of a query or document that reach the database: they fail; anything else chains. */
const DATABASE_CALLS = new Set(['get', 'add', 'update', 'set', 'remove', 'count', 'watch', 'end']);

/**
 * A database reference (collection, where, orderBy, doc, aggregate, …) whose chain can be built as
 * apps build it; only reaching the database fails.
 * @returns {any}
 */
function chain() {
  /** @type {any} */
  const target = function () {};
  return new Proxy(target, {
    get(_, name) {
      if (name === 'then' || typeof name !== 'string') return undefined;
      if (DATABASE_CALLS.has(name)) return (/** @type {any} */ options) => fail(`database.${name}`, options);
      return () => chain();
    },
    apply: () => chain(),
  });
}

/** The database's helpers (command, serverDate, Geo, RegExp): values an app can build, not send. */
function database() {
  const db = chain();
  return new Proxy(db, {
    get(_, name) {
      if (name === 'command') return chain();
      if (name === 'serverDate') return () => ({ $date: 'serverDate' });
      if (name === 'RegExp') return (/** @type {any} */ options) => ({ ...options });
      if (name === 'Geo') return chain();
      if (name === 'collection') return () => chain();
      if (name === 'startTransaction' || name === 'runTransaction') return (/** @type {any} */ options) => fail(`database.${name}`, options);
      return db[name];
    },
  });
}

function makeCloud() {
  return {
    /** Nothing to connect to: accepted, so the app launches; what would reach the cloud is reported. */
    init: () => {},
    /** @param {any} options */
    callFunction: (options) => fail('callFunction', options),
    /** @param {any} options */
    callContainer: (options) => fail('callContainer', options),
    /** @param {any} options */
    uploadFile: (options) => fail('uploadFile', options),
    /** @param {any} options */
    downloadFile: (options) => fail('downloadFile', options),
    /** @param {any} options */
    getTempFileURL: (options) => fail('getTempFileURL', options),
    /** @param {any} options */
    deleteFile: (options) => fail('deleteFile', options),
    database,
    /** @param {any} value */
    CDN: (value) => value,
  };
}

/** `new wx.cloud.Cloud({resourceEnv})`: another environment, as absent as the first. */
function Cloud() {
  return makeCloud();
}

export const cloud = { cloud: { ...makeCloud(), Cloud } };
