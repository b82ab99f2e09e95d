// @ts-check
/** WeChat's calling convention for APIs answered inside the logic thread (no host round trip). */

/**
 * Run `work` and answer the WeChat way: success/fail/complete (called asynchronously, as WeChat does)
 * when any callback is given, otherwise a Promise. `work` returns the result's fields or throws an
 * Error whose message is the fail reason.
 * @param {string} name @param {Record<string, any> | undefined} options
 * @param {(options: Record<string, any>) => Record<string, any> | void} work
 */
export function answer(name, options, work) {
  const opts = options && typeof options === 'object' ? options : {};
  /** @type {Record<string, any>} */
  let res;
  let ok = true;
  try {
    res = { errMsg: `${name}:ok`, ...(work(opts) || {}) };
  } catch (error) {
    ok = false;
    res = { errMsg: `${name}:fail ${error instanceof Error ? error.message : String(error)}` };
  }
  const { success, fail, complete } = opts;
  if (typeof success === 'function' || typeof fail === 'function' || typeof complete === 'function') {
    Promise.resolve().then(() => {
      if (ok && typeof success === 'function') success(res);
      if (!ok && typeof fail === 'function') fail(res);
      if (typeof complete === 'function') complete(res);
    });
    return undefined;
  }
  const promise = ok ? Promise.resolve(res) : Promise.reject(res);
  return promise;
}

/**
 * `answer` for work that finishes later: `work` resolves with the result's fields or rejects with an
 * Error whose message is the fail reason.
 * @param {string} name @param {Record<string, any> | undefined} options
 * @param {(options: Record<string, any>) => Promise<Record<string, any> | void>} work
 */
export function answerLater(name, options, work) {
  const opts = options && typeof options === 'object' ? options : {};
  const run = Promise.resolve()
    .then(() => work(opts))
    .then(
      (result) => ({ errMsg: `${name}:ok`, ...(result || {}) }),
      (error) => {
        throw { errMsg: `${name}:fail ${error instanceof Error ? error.message : String(error)}` };
      },
    );
  const { success, fail, complete } = opts;
  if (typeof success === 'function' || typeof fail === 'function' || typeof complete === 'function') {
    run.then(
      (res) => {
        if (typeof success === 'function') success(res);
        if (typeof complete === 'function') complete(res);
      },
      (res) => {
        if (typeof fail === 'function') fail(res);
        if (typeof complete === 'function') complete(res);
      },
    );
    return undefined;
  }
  return run;
}

/**
 * The `*Sync` form: the result, or an Error thrown with WeChat's message.
 * @template T @param {string} name @param {() => T} work @returns {T}
 */
export function sync(name, work) {
  try {
    return work();
  } catch (error) {
    throw new Error(`${name}:fail ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * A listener list for `onXxx`/`offXxx` pairs.
 * @returns {{on: (fn: Function) => void, off: (fn?: Function) => void, emit: (...args: any[]) => void}}
 */
export function listeners() {
  /** @type {Function[]} */
  let list = [];
  return {
    on: (fn) => {
      if (typeof fn === 'function') list.push(fn);
    },
    off: (fn) => {
      list = fn ? list.filter((f) => f !== fn) : [];
    },
    emit: (...args) => {
      for (const fn of list.slice()) fn(...args);
    },
  };
}
