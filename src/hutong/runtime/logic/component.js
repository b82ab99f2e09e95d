// @ts-check
/**
 * Custom component instances: properties from the owner's template (coerced to their declared types),
 * observers, lifetimes and page lifetimes, relations, external classes, triggerEvent, export.
 */
import { copyData } from './copy.js';
import {
  EXTERNAL_CLASSES_BIT,
  STYLE_APPLY_SHARED,
  STYLE_ISOLATED,
  STYLE_SHARED,
  VIRTUAL_HOST_BIT,
} from '../common/ops.js';
import { guard } from './errors.js';
import { dispatchCustom } from './events.js';
import { Instance } from './instance.js';
import { camel, datasetOf } from './names.js';
import { resolve as resolveModule } from './modules.js';
import { BehaviorToken } from './registry.js';
import { setComponentFactory } from './tree.js';

/** @type {(path: string, user: string) => import('./registry.js').Definition} */
let loadDefinition = () => {
  throw new Error('no component loader');
};
/** @type {Record<string, any>} */
let componentConfigs = {};

/** worker.js tells us how to load a component's module and where the configs are. */
export function setComponentLoader(/** @type {typeof loadDefinition} */ loader, /** @type {Record<string, any>} */ configs) {
  loadDefinition = loader;
  componentConfigs = configs || {};
}

/** @param {any} value @param {any} type */
function hasType(value, type) {
  if (type === null || type === undefined) return true;
  if (type === String) return typeof value === 'string';
  if (type === Number) return typeof value === 'number';
  if (type === Boolean) return typeof value === 'boolean';
  if (type === Array) return Array.isArray(value);
  if (type === Object) return value !== null && typeof value === 'object';
  if (type === Function) return typeof value === 'function';
  return true;
}

/**
 * A value from the owner's template, coerced to the property's declared type as WeChat does.
 * @param {import('./registry.js').PropertyDef} property @param {any} value
 */
export function coerce(property, value) {
  const { type, optionalTypes } = property;
  if (hasType(value, type)) return value;
  for (const optional of optionalTypes) if (hasType(value, optional)) return value;
  if (value === undefined) return copyData(property.value);
  if (type === String) return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (type === Number) {
    const number = Number(value);
    return Number.isFinite(number) ? number : copyData(property.value);
  }
  if (type === Boolean) return Boolean(value);
  if (type === Array || type === Object) return copyData(property.value);
  return value;
}

/** @param {any} value @returns {string | undefined} */
function safeJson(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}



export class ComponentInstance extends Instance {
  /**
   * @param {import('./registry.js').Definition} def
   * @param {any} host the mounted element standing for the component in its owner's template
   * @param {any} owner the scope whose template uses it (a page or a component)
   * @param {import('./tree.js').PageTree} tree
   */
  constructor(def, host, owner, tree) {
    super(tree, def);
    const config = componentConfigs[def.path] || {};
    this.is = def.path;
    this.__host = host;
    this.__owner = owner;
    this.__depth = owner ? owner.__depth + 1 : 0;
    this.id = String(host?.a?.id ?? '');
    this.dataset = datasetOf(host?.a || {});
    /** @type {Map<string, any>} */
    this.__slots = new Map();
    /** @type {Map<string, string>} */
    this.__extClasses = new Map();
    /** @type {Map<string, any[]>} */
    this.__relations = new Map();
    /** @type {Map<string, string | undefined>} what object properties held when last received */
    this.__snapshots = new Map();
    const options = { ...def.options };
    const isolation = options.styleIsolation || config.styleIsolation || (options.addGlobalClass ? 'apply-shared' : 'isolated');
    this.__styleMode =
      (isolation === 'shared' || isolation === 'page-shared'
        ? STYLE_SHARED
        : isolation === 'apply-shared' || isolation === 'page-apply-shared'
          ? STYLE_APPLY_SHARED
          : STYLE_ISOLATED) |
      (options.virtualHost ? VIRTUAL_HOST_BIT : 0) |
      (def.externalClasses.length ? EXTERNAL_CLASSES_BIT : 0);
    this.__multipleSlots = Boolean(options.multipleSlots);
    /** @type {Function[] | null} observers held back until `created` has run (see __mount) */
    this.__held = null;
    this.__isAttached = false;
    const data = copyData(def.data) || {};
    for (const [name, property] of Object.entries(def.properties)) {
      if (!(name in data)) data[name] = copyData(property.value);
    }
    this.data = data;
    this.properties = data;
    for (const [name, method] of Object.entries(def.methods)) /** @type {any} */ (this)[name] = method;
    for (const [name, value] of Object.entries(def.extra)) /** @type {any} */ (this)[name] = copyData(value);
    for (const name of def.externalClasses) this.__extClasses.set(name, '');
  }

  /**
   * Mount, in WeChat's order: the template is built first (the components in it are created, innermost
   * first), then this component's `created`, then the observers of what its owner passed. So `created`
   * can already select its children, and observers see what `created` set up. The owner's values are
   * in `data` before the template renders, so the template renders once. Called by the tree.
   */
  __mount() {
    const tree = this.__tree;
    this.__root = { n: tree.newId(), c: [], o: this, p: null, host: this.__host };
    tree.nodes.set(this.__root.n, this.__root);
    tree.components.add(this);
    tree.attachQueue.push(this); // pre-order: this one, then its template's, then its light children
    /** @type {Function[] | null} */
    this.__held = [];
    if (this.__host) this.__receive(this.__host.a, true);
    this.__renderFirst();
    this.__created();
  }

  /** The first render of this scope's template into its (still empty) root. */
  __renderFirst() {
    const tree = this.__tree;
    let vnodes = [];
    try {
      vnodes = this.__render(this.data);
    } catch (error) {
      guard(() => {
        throw error;
      });
    }
    for (let i = 0; i < vnodes.length; i += 1) vnodes[i] = tree.mount(vnodes[i], this.__root, this);
    this.__root.c = vnodes;
  }

  /** `created`, then the observers held back while the owner's values went in. */
  __created() {
    this.__lifetime('created');
    const held = this.__held || [];
    this.__held = null;
    for (const fn of held) fn();
  }

  /** Run now, or after `created` while the component is being mounted. @param {() => void} fn */
  __later(fn) {
    if (this.__held) this.__held.push(fn);
    else fn();
  }

  /**
   * Attributes from the owner's template changed (or are first given).
   * @param {Record<string, any>} attrs @param {boolean} [initial]
   */
  __receive(attrs, initial = false) {
    const def = this.__def;
    /** @type {any[][]} */
    const set = [];
    let restyle = false;
    for (const name in attrs) {
      const value = attrs[name];
      if (name === 'id') this.id = String(value ?? '');
      if (name.startsWith('data-') && this.__host) this.dataset = datasetOf(this.__host.a);
      if (this.__extClasses.has(name)) {
        const classes = value === undefined || value === null ? '' : String(value);
        if (this.__extClasses.get(name) !== classes) {
          this.__extClasses.set(name, classes);
          restyle = true;
        }
        continue;
      }
      const key = camel(name);
      const property = def.properties[key];
      if (!property) continue;
      const next = coerce(property, value);
      const old = this.data[key];
      if (initial && next === old) continue;
      if (next !== null && typeof next === 'object') {
        // The owner re-rendered: an object property counts as set only if its content changed (WeChat
        // updates a property only when the data it is bound to was set).
        const snapshot = safeJson(next);
        if (!initial && snapshot !== undefined && this.__snapshots.get(key) === snapshot) continue;
        this.__snapshots.set(key, snapshot);
      } else {
        this.__snapshots.delete(key);
      }
      this.data[key] = next;
      set.push([key]);
      // An object the owner changed in place (setData on 'obj.field') is the same object, yet changed.
      const changed = next !== old || (next !== null && typeof next === 'object' && this.__snapshots.get(key) !== undefined);
      if (property.observer && changed) this.__later(() => this.__propertyObserver(property, next, old));
    }
    if (set.length) this.__later(() => this.__observe(set));
    if ((set.length || restyle) && !initial) this.__invalidate();
  }

  /** @param {import('./registry.js').PropertyDef} property @param {any} next @param {any} old */
  __propertyObserver(property, next, old) {
    const observer = typeof property.observer === 'string' ? /** @type {any} */ (this)[property.observer] : property.observer;
    if (typeof observer === 'function') guard(() => observer.call(this, next, old));
  }

  /** setData on a property name also runs its observer. @param {any[]} segments @param {any} value */
  __write(segments, value) {
    const property = this.__def.properties[segments[0]];
    if (property && property.observer) {
      const old = this.data[segments[0]];
      super.__write(segments, value);
      if (segments.length > 1 || this.data[segments[0]] !== old) this.__propertyObserver(property, this.data[segments[0]], old);
      return;
    }
    super.__write(segments, value);
  }

  /** @param {string} name @param {...any} args */
  __lifetime(name, ...args) {
    for (const fn of this.__def.lifetimes[name] || []) guard(() => fn.apply(this, args));
  }

  /** @param {string} name @param {...any} args */
  __pageLifetime(name, ...args) {
    for (const fn of this.__def.pageLifetimes[name] || []) guard(() => fn.apply(this, args));
  }

  __attached() {
    this.__isAttached = true;
    this.__lifetime('attached');
    this.__link();
  }

  /** After the render that first shows it; children before their parents (tree.js queues them). */
  __ready() {
    if (this.__alive && this.__isAttached) this.__lifetime('ready');
  }

  /** Its place among its siblings changed (a keyed wx:for reordered): `moved`, then `linkChanged`. */
  __moved() {
    this.__lifetime('moved');
    const link = this.__linkedTo;
    if (!link) return;
    if (typeof link.relation.linkChanged === 'function') {
      guard(() => link.relation.linkChanged.call(this, link.ancestor));
    }
    if (typeof link.back.linkChanged === 'function') {
      guard(() => link.back.linkChanged.call(link.ancestor, this));
    }
  }

  __detach() {
    if (!this.__alive) return;
    // Children have detached already (tree.js unmounts them first); relations end after `detached`.
    this.__lifetime('detached');
    this.__unlink();
    this.__alive = false;
    this.__tree.components.delete(this);
    this.__tree.dirty.delete(this);
  }

  /** The value selectComponent gives `caller`: the instance, or what `export()` returns. @param {any} caller */
  __exported(caller) {
    const exportFn = this.__def.exportFn;
    if (exportFn && this.hasBehavior('wx://component-export')) return exportFn.call(this, caller);
    if (exportFn) return exportFn.call(this, caller);
    return this;
  }

  /**
   * @param {string} name
   * @param {any} [detail]
   * @param {{bubbles?: boolean, composed?: boolean, capturePhase?: boolean}} [options]
   */
  triggerEvent(name, detail, options = {}) {
    if (!this.__host || !this.__alive) return;
    dispatchCustom(this, String(name), detail === undefined ? {} : detail, options || {});
  }

  selectOwnerComponent() {
    const owner = this.__owner;
    return owner ? (owner.__exported ? owner.__exported(this) : owner) : null;
  }

  /** @param {any} behavior */
  hasBehavior(behavior) {
    const wanted = behavior instanceof BehaviorToken ? behavior : null;
    return this.__def.behaviors.some((b) => (wanted ? b === wanted || b.def === wanted.def : b.name === behavior));
  }

  /** @param {string} path */
  getRelationNodes(path) {
    return (this.__relations.get(this.__relationKey(path)) || []).slice();
  }

  getTabBar() {
    return this.__tree.page?.getTabBar ? this.__tree.page.getTabBar() : null;
  }

  get router() {
    return this.__tree.page?.router;
  }

  get pageRouter() {
    return this.__tree.page?.pageRouter;
  }

  /** @param {string} path */
  __relationKey(path) {
    try {
      return resolveModule(`${this.is}.js`, path).replace(/\.js$/, '');
    } catch {
      return path;
    }
  }

  /** The components above this one, nearest first (through slots and shadow roots alike). */
  *__ancestors() {
    let node = this.__host ? this.__host.p : null;
    while (node) {
      if (node.comp && node.comp !== this) yield node.comp;
      node = node.host || node.p;
    }
  }

  /** Relations: link to the nearest ancestor that declares the matching relation back. */
  __link() {
    for (const [key, relation] of Object.entries(this.__def.relations)) {
      const type = relation.type;
      if (type !== 'parent' && type !== 'ancestor') continue;
      for (const ancestor of this.__ancestors()) {
        if (!this.__relationMatches(ancestor, key, relation)) continue;
        const back = ancestor.__findRelation(this, type === 'parent' ? 'child' : 'descendant');
        if (!back) continue;
        this.__linkedTo = { ancestor, key, backKey: back.key, relation, back: back.relation };
        // Both sides know each other before either hears of it; the ancestor hears first (as in WeChat).
        ancestor.__addRelation(back.key, this);
        this.__addRelation(key, ancestor);
        if (typeof back.relation.linked === 'function') guard(() => back.relation.linked.call(ancestor, this));
        if (typeof relation.linked === 'function') guard(() => relation.linked.call(this, ancestor));
        break;
      }
    }
  }

  __unlink() {
    const link = this.__linkedTo;
    if (!link) return;
    this.__linkedTo = null;
    link.ancestor.__removeRelation(link.backKey, this, link.back);
    this.__removeRelation(link.key, link.ancestor, link.relation);
  }

  /** @param {any} other @param {string} key @param {any} relation */
  __relationMatches(other, key, relation) {
    if (relation.target instanceof BehaviorToken) return other.hasBehavior(relation.target);
    return this.__relationKey(key) === other.is;
  }

  /** @param {any} child @param {string} type */
  __findRelation(child, type) {
    for (const [key, relation] of Object.entries(this.__def.relations)) {
      if (relation.type === type && this.__relationMatches(child, key, relation)) return { key, relation };
    }
    return null;
  }

  /** @param {string} key @param {any} other */
  __addRelation(key, other) {
    const resolved = this.__relationKey(key);
    const list = this.__relations.get(resolved) || [];
    list.push(other);
    this.__relations.set(resolved, list);
  }

  /** @param {string} key @param {any} other @param {any} relation */
  __removeRelation(key, other, relation) {
    const resolved = this.__relationKey(key);
    const list = (this.__relations.get(resolved) || []).filter((x) => x !== other);
    this.__relations.set(resolved, list);
    if (typeof relation.unlinked === 'function') guard(() => relation.unlinked.call(this, other));
  }
}

const GENERIC = 'generic:';

/**
 * The component an abstract tag (componentGenerics) stands for: what the component's user chose with
 * `generic:tag="..."` (the compiler wrote the chosen component's path there, or `generic:other` when
 * the user passes its own abstract tag on), else the declared default.
 * @param {string} cp `generic:tag` @param {any} owner the component whose template has the tag
 */
function genericPath(cp, owner) {
  let name = cp.slice(GENERIC.length);
  let scope = owner;
  while (scope && scope.__host) {
    const chosen = scope.__host.a[`${GENERIC}${name}`];
    if (typeof chosen !== 'string' || !chosen) break;
    if (!chosen.startsWith(GENERIC)) return chosen;
    name = chosen.slice(GENERIC.length);
    scope = scope.__owner;
  }
  const tag = cp.slice(GENERIC.length);
  const fallback = componentConfigs[owner?.__def?.path]?.genericDefaults?.[tag];
  if (!fallback) console.error(`[hutong] ${owner?.__def?.path}: no component for the abstract tag <${tag}> (generic:${tag} not given)`);
  return fallback || '';
}

setComponentFactory((host, owner, tree) => {
  const path = /** @type {string} */ (host.cp);
  const def = loadDefinition(path.startsWith(GENERIC) ? genericPath(path, owner) : path, owner?.__def?.path || '');
  const component = new ComponentInstance(def, host, owner, tree);
  host.comp = component;
  component.__mount();
  return component;
});
