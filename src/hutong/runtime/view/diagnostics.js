// @ts-check
/** What the page uses that the runtime cannot do, reported once each to the host (and `hutong check`). */
import { BUILTIN_TAGS } from './builtin-tags.js';
import { HTML_TAGS } from './html-tags.js';

/** @type {(message: Record<string, any>) => void} */
let reporter = () => {};
const reported = new Set();

/** @param {(message: Record<string, any>) => void} send */
export function setReporter(send) {
  reporter = send;
}

/** @param {'component' | 'api'} what @param {string} name */
export function reportUnsupported(what, name) {
  const key = `${what}:${name}`;
  if (reported.has(key)) return;
  reported.add(key);
  console.warn(`[hutong] ${what} "${name}" is not supported`);
  reporter({ t: 'unsupported', what, name });
}

/** A tag that is neither a WeChat built-in nor a declared custom component. @param {string} tag */
export function checkTag(tag) {
  if (!BUILTIN_TAGS.has(tag) && !HTML_TAGS.has(tag)) reportUnsupported('component', tag);
}
