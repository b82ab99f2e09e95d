// @ts-check
/** Uncaught errors in app code: mapped to source file and line, sent to App.onError and the host. */
import { send } from './bridge.js';

/** @type {Map<string, [number, string][]>} line maps by bundle name: `bundle` (main), or a subpackage root */
const lineMaps = new Map();
/** @type {((message: string) => void) | null} */
let appErrorHandler = null;

/**
 * The main bundle's line map and each subpackage's (app-config.json `lineMap`, `packages[].lineMap`).
 * @param {Record<string, any>} config
 */
export function setLineMaps(config) {
  lineMaps.set('bundle', config.lineMap || []);
  for (const info of config.packages || []) if (info.root) lineMaps.set(info.root, info.lineMap || []);
}

/** @param {((message: string) => void) | null} handler */
export function setAppErrorHandler(handler) {
  appErrorHandler = handler;
}

/**
 * The source file and line of the first logic-bundle frame in a stack trace.
 * @param {string} stack
 * @returns {{file: string, line: number} | null}
 */
export function sourceLocation(stack) {
  // Bundles run from blob URLs named `#logic-bundle` (main) or `#logic-<subpackage root>`.
  const match = /#logic-(.+?):(\d+):\d+/.exec(stack);
  if (!match) return null;
  const bundleLine = Number(match[2]);
  let found = null;
  for (const [start, file] of lineMaps.get(match[1]) || []) {
    if (start <= bundleLine) found = { file, line: bundleLine - start + 1 };
    else break;
  }
  return found;
}

/**
 * A stack trace with each logic-bundle frame rewritten to the developer's `file:line` (the grouped
 * error reports of the analytics console show these).
 * @param {string} stack
 */
export function sourceStack(stack) {
  return stack
    .split('\n')
    .map((line) => {
      const where = sourceLocation(line);
      return where ? line.replace(/\(?[^\s()]*#logic-[^\s()]+:\d+:\d+\)?/, `(${where.file}:${where.line})`) : line;
    })
    .join('\n');
}

/** A thrown or rejected value that is not an Error: WeChat's `{errMsg}` results, or its JSON. @param {unknown} value */
function describe(value) {
  if (value && typeof value === 'object') {
    const errMsg = /** @type {any} */ (value).errMsg;
    if (typeof errMsg === 'string') return errMsg;
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/**
 * Report an error thrown by app code; the runtime itself carries on.
 * @param {unknown} error
 */
export function reportError(error) {
  const err = error instanceof Error ? error : new Error(describe(error));
  const where = sourceLocation(err.stack || '');
  const message = `${err.message}${where ? ` (${where.file}:${where.line})` : ''}`;
  send({ t: 'error', message, text: err.message, stack: sourceStack(err.stack || ''), file: where?.file, line: where?.line });
  if (appErrorHandler) {
    const handler = appErrorHandler;
    appErrorHandler = null; // an error inside onError must not loop
    try {
      handler(`${message}\n${err.stack || ''}`);
    } catch (inner) {
      send({ t: 'error', message: `App.onError threw: ${String(inner)}`, stack: '' });
    } finally {
      appErrorHandler = handler;
    }
  }
}

/**
 * Call app code, reporting what it throws.
 * @template T
 * @param {() => T} fn
 * @returns {T | undefined}
 */
export function guard(fn) {
  try {
    return fn();
  } catch (error) {
    reportError(error);
    return undefined;
  }
}
