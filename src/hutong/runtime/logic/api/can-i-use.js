// @ts-check
/**
 * wx.canIUse: real answers from what exists. `api`, `api.object.param`, `api.return.field`,
 * `api.success.field`, `Object.method` (e.g. `SocketTask.onOpen`) answer from `wx`; `component`,
 * `component.attribute`, `component.attribute.value` from the built-in components registry
 * (view/components/registry.js: `{name: {status, missing?}}`) once it is given.
 */
import { BUILTIN_TAGS } from '../../view/builtin-tags.js';
import { notYet } from './open.js';

/** @type {Record<string, {status: string, missing?: string | string[]}> | null} */
let components = null;

/**
 * The built-in components registry, given by whoever loads it (worker.js), so that canIUse knows
 * attributes too. @param {Record<string, {status: string, missing?: string | string[]}>} registry
 */
export function setComponentRegistry(registry) {
  components = registry;
}

/** Objects APIs return, and the API that makes each. */
const RETURNED = /** @type {Record<string, string>} */ ({
  RequestTask: 'request',
  DownloadTask: 'downloadFile',
  UploadTask: 'uploadFile',
  SocketTask: 'connectSocket',
  FileSystemManager: 'getFileSystemManager',
  InnerAudioContext: 'createInnerAudioContext',
  UpdateManager: 'getUpdateManager',
  Animation: 'createAnimation',
  SelectorQuery: 'createSelectorQuery',
  IntersectionObserver: 'createIntersectionObserver',
  LogManager: 'getLogManager',
  RealtimeLogManager: 'getRealtimeLogManager',
});

/** @param {Record<string, any>} wx @param {string} name */
export function apiExists(wx, name) {
  return Object.prototype.hasOwnProperty.call(wx, name) && !notYet.has(name);
}

/** @param {Record<string, any>} wx @param {any} schema */
export function canIUse(wx, schema) {
  if (typeof schema !== 'string' || !schema) return false;
  const [head, second, ...rest] = schema.split('.');
  if (RETURNED[head]) return apiExists(wx, RETURNED[head]);
  if (apiExists(wx, head)) return true;
  if (!BUILTIN_TAGS.has(head)) return false;
  if (!components) return !second; // without the registry: the tag exists, attributes unknown
  const entry = components[head];
  if (!entry || entry.status === 'unsupported') return false;
  if (!second) return true;
  const attribute = rest.length ? `${second}.${rest.join('.')}` : second;
  // `missing` is a list of names, or a sentence naming them: an attribute it names is not there.
  if (Array.isArray(entry.missing)) return !entry.missing.some((item) => item === second || item === attribute);
  const named = new RegExp(`(^|[^\\w-])${second.replace(/[^\w-]/g, '')}($|[^\\w-])`);
  return !named.test(String(entry.missing || ''));
}
