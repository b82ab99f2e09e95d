// @ts-check
/**
 * Page(), Component() and Behavior(): what a module registers, normalised into one definition shape
 * that instance.js and component.js build instances from. Behaviors are flattened here, once.
 */

/**
 * @typedef {{type: any, optionalTypes: any[], value: any, observer: Function | string | null}} PropertyDef
 * @typedef {{
 *   kind: 'page' | 'component',
 *   path: string,
 *   properties: Record<string, PropertyDef>,
 *   data: Record<string, any>,
 *   methods: Record<string, Function>,
 *   observers: {paths: {segments: (string|number)[], deep: boolean}[], fn: Function}[],
 *   lifetimes: Record<string, Function[]>,
 *   pageLifetimes: Record<string, Function[]>,
 *   relations: Record<string, any>,
 *   externalClasses: string[],
 *   options: Record<string, any>,
 *   behaviors: any[],
 *   extra: Record<string, any>,
 *   exportFn: Function | null,
 *   builtWith: 'Page' | 'Component',
 * }} Definition
 */
import { copyData } from './copy.js';
import { parsePath } from '../common/data-path.js';

const LIFETIMES = ['created', 'attached', 'ready', 'moved', 'detached', 'error'];
const PAGE_LIFECYCLE = new Set([
  'onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onRouteDone', 'onPullDownRefresh', 'onReachBottom',
  'onPageScroll', 'onShareAppMessage', 'onShareTimeline', 'onAddToFavorites', 'onResize', 'onTabItemTap',
  'onSaveExitState',
]);

/** @type {Map<string, Definition>} */
const definitions = new Map();
/** @type {string | null} */
let registering = null;

/** Set by the module loader: the path (no extension) whose module runs now. @param {string | null} path */
export function setRegistering(path) {
  registering = path;
}

/** @param {string} path */
export function definitionOf(path) {
  return definitions.get(path);
}

/** A marker class so that `behaviors: [x]` can tell a Behavior from anything else. */
export class BehaviorToken {
  /**
   * @param {Definition} def @param {string} [name]
   * @param {Function | null} [filter] its `definitionFilter`
   * @param {Function[]} [used] the definitionFilters of the behaviors it uses (definitionFilterArr)
   */
  constructor(def, name, filter = null, used = []) {
    this.def = def;
    this.name = name || '';
    this.filter = filter;
    this.used = used;
  }
}

/**
 * `definitionFilter`: a behavior may rewrite the definition fields of whatever uses it, before they
 * are read (computed-property behaviors add observers and methods this way). It is also given the
 * filters of the behaviors it uses itself, to apply as it sees fit.
 * @param {Record<string, any>} options the using Component's or Behavior's fields, changed in place
 */
function applyDefinitionFilters(options) {
  for (const item of options.behaviors || []) {
    const behavior = behaviorOf(item);
    const filter = behavior && behavior.filter;
    if (typeof filter === 'function') filter.call(null, options, behavior.used);
  }
}

/** The filters `options.behaviors` bring, each ready to apply to a definition. @param {Record<string, any>} options */
function usedFilters(options) {
  /** @type {Function[]} */
  const used = [];
  for (const item of options.behaviors || []) {
    const behavior = behaviorOf(item);
    const filter = behavior && behavior.filter;
    if (typeof filter === 'function') used.push((/** @type {any} */ fields) => filter.call(null, fields, behavior.used));
  }
  return used;
}

/** @param {any} spec @returns {PropertyDef} */
function normaliseProperty(spec) {
  if (spec === null || typeof spec === 'function') {
    return { type: spec, optionalTypes: [], value: defaultFor(spec), observer: null };
  }
  if (typeof spec !== 'object') return { type: null, optionalTypes: [], value: spec, observer: null };
  const type = spec.type === undefined ? null : spec.type;
  return {
    type,
    optionalTypes: Array.isArray(spec.optionalTypes) ? spec.optionalTypes : [],
    value: 'value' in spec ? spec.value : defaultFor(type),
    observer: spec.observer || null,
  };
}

/** The value a property has when the definition gives none. @param {any} type */
function defaultFor(type) {
  if (type === String) return '';
  if (type === Number) return 0;
  if (type === Boolean) return false;
  if (type === Array) return [];
  return null;
}

/** @param {string} path */
function parseObserverPath(path) {
  const trimmed = path.trim();
  if (trimmed === '**') return { segments: [], deep: true };
  const deep = trimmed.endsWith('.**');
  return { segments: parsePath(deep ? trimmed.slice(0, -3) : trimmed), deep };
}

/** @returns {Definition} */
function emptyDefinition(/** @type {'page' | 'component'} */ kind, /** @type {string} */ path) {
  return {
    kind, path, properties: {}, data: {}, methods: {}, observers: [], lifetimes: {}, pageLifetimes: {},
    relations: {}, externalClasses: [], options: {}, behaviors: [], extra: {}, exportFn: null,
    builtWith: 'Component',
  };
}

/** The behaviors WeChat builds in. */
const BUILTIN_BEHAVIORS = {
  'wx://form-field': () => {
    const def = emptyDefinition('component', 'wx://form-field');
    def.properties.name = normaliseProperty({ type: String, value: '' });
    def.properties.value = normaliseProperty({ type: null, value: null });
    return new BehaviorToken(def, 'wx://form-field');
  },
  'wx://form-field-group': () => new BehaviorToken(emptyDefinition('component', 'wx://form-field-group'), 'wx://form-field-group'),
  'wx://form-field-button': () => new BehaviorToken(emptyDefinition('component', 'wx://form-field-button'), 'wx://form-field-button'),
  'wx://component-export': () => new BehaviorToken(emptyDefinition('component', 'wx://component-export'), 'wx://component-export'),
};

/** @param {any} item @returns {BehaviorToken | null} */
function behaviorOf(item) {
  if (item instanceof BehaviorToken) return item;
  if (typeof item === 'string' && item in BUILTIN_BEHAVIORS) {
    return BUILTIN_BEHAVIORS[/** @type {keyof typeof BUILTIN_BEHAVIORS} */ (item)]();
  }
  return null;
}

/**
 * Merge `source` into `target`: behaviors first, then the definition itself, later keys winning for
 * properties, data and methods; lifetimes and observers accumulate.
 * @param {Definition} target @param {Definition} source
 */
function merge(target, source) {
  Object.assign(target.properties, source.properties);
  Object.assign(target.data, copyData(source.data));
  Object.assign(target.methods, source.methods);
  target.observers.push(...source.observers);
  for (const [name, fns] of Object.entries(source.lifetimes)) (target.lifetimes[name] ||= []).push(...fns);
  for (const [name, fns] of Object.entries(source.pageLifetimes)) (target.pageLifetimes[name] ||= []).push(...fns);
  Object.assign(target.relations, source.relations);
  target.externalClasses.push(...source.externalClasses);
  Object.assign(target.extra, source.extra);
  if (source.exportFn) target.exportFn = source.exportFn;
  target.behaviors.push(...source.behaviors);
}

/**
 * Normalise Component/Behavior/Page options into a Definition.
 * @param {'page' | 'component'} kind @param {string} path @param {Record<string, any>} options
 * @param {boolean} asPage the options came from Page(): other keys are methods or deep-copied fields
 * @returns {Definition}
 */
export function normalise(kind, path, options, asPage) {
  if (!asPage) applyDefinitionFilters(options);
  const def = emptyDefinition(kind, path);
  const own = emptyDefinition(kind, path);
  for (const item of options.behaviors || []) {
    const behavior = behaviorOf(item);
    if (!behavior) continue;
    merge(def, behavior.def);
    def.behaviors.push(behavior);
  }
  own.data = copyData(options.data) || {};
  if (asPage) {
    for (const [key, value] of Object.entries(options)) {
      if (key === 'data' || key === 'behaviors' || key === 'options') continue;
      if (typeof value === 'function') own.methods[key] = value;
      else own.extra[key] = value;
    }
  } else {
    for (const [name, spec] of Object.entries(options.properties || {})) own.properties[name] = normaliseProperty(spec);
    Object.assign(own.methods, options.methods || {});
    for (const [paths, fn] of Object.entries(options.observers || {})) {
      if (typeof fn !== 'function') continue;
      own.observers.push({ paths: paths.split(',').map(parseObserverPath), fn });
    }
    const lifetimes = { ...options, ...(options.lifetimes || {}) };
    for (const name of LIFETIMES) if (typeof lifetimes[name] === 'function') own.lifetimes[name] = [lifetimes[name]];
    for (const [name, fn] of Object.entries(options.pageLifetimes || {})) {
      if (typeof fn === 'function') own.pageLifetimes[name] = [fn];
    }
    own.relations = options.relations || {};
    own.externalClasses = Array.isArray(options.externalClasses) ? options.externalClasses : [];
    if (typeof options.export === 'function') own.exportFn = options.export;
    // Component() used as a page: its page lifecycle lives in methods.
    if (kind === 'page') {
      for (const name of PAGE_LIFECYCLE) {
        if (typeof options[name] === 'function' && !own.methods[name]) own.methods[name] = options[name];
      }
    }
  }
  merge(def, own);
  def.builtWith = asPage ? 'Page' : 'Component';
  def.options = { ...(options.options || {}) };
  return def;
}

/** @param {Record<string, any>} options */
export function Page(options) {
  if (!registering) throw new Error('Page() must be called in a page file');
  definitions.set(registering, normalise('page', registering, options || {}, true));
}

/** @param {Record<string, any>} options */
export function Component(options) {
  if (!registering) throw new Error('Component() must be called in a component or page file');
  const path = registering;
  // A page built with Component(): the loader told us which kind of module this is.
  const kind = registeringPage ? 'page' : 'component';
  definitions.set(path, normalise(kind, path, options || {}, false));
}

let registeringPage = false;
/** @param {boolean} isPage */
export function setRegisteringPage(isPage) {
  registeringPage = isPage;
}

/** @param {Record<string, any>} options */
export function Behavior(options) {
  const fields = options || {};
  const filter = typeof fields.definitionFilter === 'function' ? fields.definitionFilter : null;
  return new BehaviorToken(normalise('component', registering || '', fields, false), '', filter, usedFilters(fields));
}

export { PAGE_LIFECYCLE };
