// @ts-check
/**
 * One page's node tree in the logic thread: it runs the compiled templates, keeps the nodes they built
 * (mounted), compares each new render with them and records the DOM operations (ops.js) the page
 * frame applies. Custom components are mounted here too, so the logic thread always knows the whole
 * component tree (selectComponent, relations and event paths need no round trip).
 *
 * Mounted nodes are the template's own vnodes, kept and updated in place:
 *   element   {t, a, e, c, k, cp?, n: id, p: parent, o: owner scope, comp?: instance, ev: event types}
 *   text      {x: string, n, p}
 *   container {n, c, o, host?} — the page root, or a component's shadow root (host = its element)
 */
import { BUILTIN_TAGS } from '../view/builtin-tags.js';
import { fileUrl } from './api/file.js';
import { HTML_TAGS } from '../view/html-tags.js';
import { send } from './bridge.js';
import { catchesMove } from './passive.js';
import { effectiveClass, effectiveStyle } from './wxs-events.js';
import { ATTR, EVENTS, INSERT, MOVE, PROP, REMOVE, ROOT_ID, TAB_BAR_ID, TEXT } from '../common/ops.js';

/**
 * The component instances in a mounted subtree, outermost first (a moved node moves what it holds).
 * @param {any} node
 * @param {any[]} out
 */
function collectComponents(node, out) {
  if (node.comp) out.push(node.comp);
  for (const child of node.c || []) if (child.x === undefined) collectComponents(child, out);
  if (node.comp?.__root) for (const child of node.comp.__root.c || []) collectComponents(child, out);
}

/** @type {Set<string>} */
const reported = new Set();
/** @type {Set<string>} the tags some page or component of the app declares in usingComponents */
let declaredTags = new Set();

/** worker.js: every usingComponents name of the app. @param {Set<string>} tags */
export function setDeclaredTags(tags) {
  declaredTags = tags;
}

/**
 * A tag that is neither a WeChat built-in nor a declared custom component: the app's slip, not
 * something the runtime lacks. WeChat (glass-easel: `allowUnusedNativeNode`) draws it as a plain
 * element named by the tag, inline, with its content; so do we, with a warning, once per tag, which
 * `hutong check` lists without failing the page.
 * @param {string} tag
 */
function checkTag(tag) {
  if (BUILTIN_TAGS.has(tag) || HTML_TAGS.has(tag) || reported.has(tag)) return;
  reported.add(tag);
  const where = declaredTags.has(tag) ? 'is used where usingComponents does not declare it' : 'is neither a built-in nor a declared component';
  const text = `<${tag}> ${where}: drawn as a plain element, as in WeChat`;
  console.warn(`[hutong] ${text}`);
  send({ t: 'warning', what: 'tag', name: tag, text });
}

/** @typedef {{t: string, a: Record<string, any>, e: any[], c: any[], k?: any, cp?: string, b?: number, n: number, p: any, o: any, comp?: any, ev?: string, mc?: string}} MElement */

/** @type {(vnode: MElement, owner: any, tree: PageTree) => any} */
let componentFactory = () => null;

/** component.js registers how a custom component instance is made. @param {typeof componentFactory} factory */
export function setComponentFactory(factory) {
  componentFactory = factory;
}

const CUSTOM_ELEMENT = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;
const RESERVED = new Set(['annotation-xml', 'color-profile', 'font-face', 'font-face-src', 'font-face-uri',
  'font-face-format', 'font-face-name', 'missing-glyph']);
/** @type {Map<string, string>} */
const tagNames = new Map();

/** The DOM element name for a vnode: `wx-view` for built-ins, a valid custom element name for components. @param {MElement} m */
export function domTag(m) {
  const cached = tagNames.get(m.cp ? `c:${m.t}` : m.t);
  if (cached) return cached;
  let name;
  if (m.cp) {
    const lower = m.t.toLowerCase();
    name = CUSTOM_ELEMENT.test(lower) && !RESERVED.has(lower) ? lower : `c-${lower.replace(/[^a-z0-9-]/g, '-')}`;
  } else if (m.t === 'slot') name = 'slot';
  // Built-ins are `wx-scroll-view`, … (as the compiled WXSS names them); an unknown tag keeps its name.
  else name = BUILTIN_TAGS.has(m.t) || !m.t.includes('-') ? `wx-${m.t}` : m.t;
  tagNames.set(m.cp ? `c:${m.t}` : m.t, name);
  return name;
}

const HOST_ATTRS = new Set(['id', 'class', 'style', 'hidden', 'slot']);

/**
 * `slot="x"` places a light child in a named slot only when its component has `multipleSlots`;
 * otherwise WeChat ignores it and everything goes to the one slot.
 * @param {any} node
 */
function namedSlots(node) {
  const parent = node.p;
  return Boolean(parent && parent.comp && parent.comp.__multipleSlots);
}

/** Whether an attribute belongs in the DOM. @param {string} name @param {boolean} isComponent */
function domVisible(name, isComponent) {
  if (isComponent) return HOST_ATTRS.has(name) || name.startsWith('data-');
  return !name.startsWith('mark:') && !name.startsWith('generic:') && !name.startsWith('wx:');
}

/** @param {any} value @param {string} [name] a built-in's attribute name */
function domValue(value, name = '') {
  if (value === false && TRUE_BY_DEFAULT.has(name)) return 'false';
  if (value === undefined || value === null || value === false) return null;
  const type = typeof value;
  if (type === 'object' || type === 'function') return null;
  // The app's own files (wxfile://…) reach the frame as data: URLs (logic/api/file.js).
  if (type === 'string' && value.startsWith('wxfile://')) return fileUrl(value);
  return value;
}

/** Built-in attributes that are on unless set false: `false` must reach the frame as "false", not as absence. */
const TRUE_BY_DEFAULT = new Set(['controls', 'show-center-play-btn', 'show-progress', 'show-fullscreen-btn', 'show-play-btn',
  'enable-progress-gesture', 'adjust-position', 'show-confirm-bar', 'enable-play-gesture', 'show-mute-btn']);

/** `class` with the component's external classes replaced by what its owner passed. @param {string} value @param {any} scope */
function mapClass(value, scope) {
  const map = scope && scope.__extClasses;
  if (!map || map.size === 0 || typeof value !== 'string') return value;
  return value
    .split(/\s+/)
    .map((name) => (map.has(name) ? map.get(name) : name))
    .filter(Boolean)
    .join(' ');
}

/** An attribute whose value only a built-in element's script can take: an object or an array. @param {any} value */
function isProp(value) {
  return value !== null && typeof value === 'object';
}

/** @param {any} value */
function snapshot(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return '';
  }
}

/**
 * The event types bound on a node, for the frame (it sends only what someone listens to).
 * `catchtouchmove` is marked as `!touchmove`: the frame then stops the page from scrolling under it,
 * unless the template's owner listens to touchmove passively (logic/passive.js).
 * @param {any[]} bindings @param {any} owner
 */
function eventTypes(bindings, owner) {
  if (!bindings || bindings.length === 0) return '';
  if (bindings.length === 1) {
    const [type, , flags] = bindings[0];
    return type === 'touchmove' && flags & 1 && catchesMove(owner) ? 'touchmove,!touchmove' : type;
  }
  const types = new Set(bindings.map((b) => b[0]));
  if (bindings.some((b) => b[0] === 'touchmove' && b[2] & 1) && catchesMove(owner)) types.add('!touchmove');
  return Array.from(types).join(',');
}

/** @param {any} node */
function keyOf(node) {
  if (node === null || typeof node !== 'object') return undefined;
  // A wx:if branch's node is matched by its branch, so the siblings outside it keep their elements
  // when it comes or goes.
  return node.k !== undefined || node.b === undefined ? node.k : `\u0000if${node.b}`;
}

/** @param {any} node */
function isText(node) {
  return node === null || typeof node !== 'object' || node.x !== undefined;
}

export class PageTree {
  /** @param {number} pageId */
  constructor(pageId) {
    this.pageId = pageId;
    this.nextId = TAB_BAR_ID + 1;
    /** @type {any[]} */
    this.ops = [];
    /** @type {Map<number, any>} mounted nodes by id, for events coming from the view */
    this.nodes = new Map();
    /** @type {any} the container for the page's own template */
    this.root = { n: ROOT_ID, c: [], o: null, p: null };
    /** @type {any[]} components mounted in this pass, waiting for `attached` (pre-order) */
    this.attachQueue = [];
    /** @type {any[]} components mounted and waiting for the render that shows them (`ready`), post-order */
    this.readyQueue = [];
    /** @type {any[]} components whose place among their siblings changed in this pass (`moved`) */
    this.movedQueue = [];
    /** @type {Set<any>} every live component instance of the page */
    this.components = new Set();
    /** @type {Set<any>} scopes whose template must render again */
    this.dirty = new Set();
    this.scheduled = false;
    /** false until the page's first render has gone to the frame */
    this.inView = false;
    this.seq = 0;
    /** @type {Function[]} setData callbacks waiting for the next render message */
    this.pendingCallbacks = [];
    /** @type {Map<number, Function[]>} callbacks per render message, run when the frame has applied it */
    this.callbacks = new Map();
    /** @type {Map<number, any[]>} components whose `ready` waits for a render message */
    this.readyAt = new Map();
    /** @type {any} the page instance */
    this.page = null;
    /** true once the page is unloaded: late setData calls (timers, requests) change data only */
    this.closed = false;
  }

  newId() {
    return this.nextId++;
  }

  /**
   * After `owner` changed how it listens to touchmove (setPassiveEvent): its template's event marks
   * again, as ops for the next render. @param {any} owner
   */
  remarkEvents(owner) {
    for (const node of this.nodes.values()) {
      if (node.o !== owner || !node.e) continue;
      const types = eventTypes(node.e, owner);
      if (types === node.ev) continue;
      this.ops.push(EVENTS, node.n, types);
      node.ev = types;
    }
  }

  /**
   * Mount a vnode (recursively) under `parent`, in the scope `owner`; returns the mounted node.
   * @param {any} vnode @param {any} parent @param {any} owner
   */
  mount(vnode, parent, owner) {
    if (vnode === null || typeof vnode !== 'object') {
      const text = { x: vnode === undefined || vnode === null ? '' : String(vnode), n: this.newId(), p: parent };
      this.nodes.set(text.n, text);
      return text;
    }
    const m = /** @type {MElement} */ (vnode);
    m.n = this.newId();
    m.p = parent;
    m.o = owner;
    m.ev = eventTypes(m.e, owner);
    this.nodes.set(m.n, m);
    if (m.cp) m.comp = componentFactory(m, owner, this);
    else if (!tagNames.has(m.t)) checkTag(m.t);
    const children = m.c;
    for (let i = 0; i < children.length; i += 1) children[i] = this.mount(children[i], m, owner);
    if (m.t === 'slot' && owner && owner.__slots) owner.__slots.set(String(m.a.name || ''), m);
    // `ready` goes children first: a component is queued once everything inside it is mounted.
    if (m.comp) this.readyQueue.push(m.comp);
    return m;
  }

  /** Forget a mounted subtree: components detach, ids are released. @param {any} m */
  unmount(m) {
    this.nodes.delete(m.n);
    if (m.x !== undefined) return;
    const children = m.c;
    for (let i = 0; i < children.length; i += 1) this.unmount(children[i]);
    if (m.t === 'slot' && m.o && m.o.__slots && m.o.__slots.get(String(m.a.name || '')) === m) {
      m.o.__slots.delete(String(m.a.name || ''));
    }
    if (m.comp) {
      const comp = m.comp;
      this.nodes.delete(comp.__root.n);
      for (const child of comp.__root.c) this.unmount(child);
      comp.__detach();
    }
  }

  /** The frame's tree form of a mounted node (see ops.js). @param {any} m @returns {any[]} */
  serialize(m) {
    if (m.x !== undefined) return [m.n, m.x];
    const isComponent = Boolean(m.cp);
    /** @type {Record<string, any> | 0} */
    let attrs = 0;
    for (const name in m.a) {
      if (!domVisible(name, isComponent) || (name === 'slot' && !namedSlots(m))) continue;
      let value = domValue(m.a[name], m.cp ? '' : name);
      if (value === null) continue;
      if (name === 'class') value = effectiveClass(m, (m.mc = mapClass(value, m.o)));
      else if (name === 'style' && m.ws) value = effectiveStyle(m, value);
      (attrs ||= {})[name] = value;
    }
    /** @type {Record<string, any> | 0} */
    let props = 0;
    if (!isComponent) {
      for (const name in m.a) {
        const value = m.a[name];
        if (isProp(value)) {
          (props ||= {})[name] = value;
          (m.ps ||= {})[name] = snapshot(value);
        }
      }
    }
    const children = m.c.map((child) => this.serialize(child));
    let shadow = /** @type {any} */ (0);
    if (m.comp) {
      const root = m.comp.__root;
      const children = root.c.map((/** @type {any} */ child) => this.serialize(child));
      // The component's own path (an abstract tag's `cp` only names the tag).
      shadow = [root.n, m.comp.__def.path, m.comp.__styleMode, children, m.o ? m.o.__def.path : ''];
    }
    return props ? [m.n, domTag(m), attrs, m.ev || '', children, shadow, props] : [m.n, domTag(m), attrs, m.ev || '', children, shadow];
  }

  /**
   * Bring `old` in line with the new vnode `next`; returns the mounted node that now stands for it.
   * Replacement (a different tag or component) inserts the new node where the old one was.
   * @param {any} old @param {any} next @param {any} parent @param {any} owner
   */
  patch(old, next, parent, owner) {
    if (isText(next)) {
      const text = next === undefined || next === null ? '' : String(next);
      if (old.x !== undefined) {
        if (old.x !== text) {
          old.x = text;
          this.ops.push(TEXT, old.n, text);
        }
        return old;
      }
    } else if (old.x === undefined && old.t === next.t && old.cp === next.cp && old.b === next.b) {
      this.update(old, next, owner);
      return old;
    }
    const mounted = this.mount(next, parent, owner);
    this.ops.push(INSERT, parent.n, old.n, this.serialize(mounted));
    this.ops.push(REMOVE, old.n);
    this.unmount(old);
    return mounted;
  }

  /** Same tag: attributes, events, component properties, children. @param {MElement} old @param {MElement} next @param {any} owner */
  update(old, next, owner) {
    const oldAttrs = old.a;
    const newAttrs = next.a;
    const isComponent = Boolean(old.cp);
    /** @type {Record<string, any> | null} */
    let changed = null;
    for (const name in newAttrs) {
      const value = newAttrs[name];
      if (oldAttrs[name] === value && (typeof value !== 'object' || value === null)) continue;
      (changed ||= {})[name] = value;
      if (!isComponent && isProp(value)) {
        // Objects may have been changed in place: compare what the frame was given.
        const seen = snapshot(value);
        if (!old.ps || old.ps[name] !== seen) {
          (old.ps ||= {})[name] = seen;
          this.ops.push(PROP, old.n, name, value);
        }
        continue;
      }
      if (domVisible(name, isComponent) && name !== 'class' && (name !== 'slot' || namedSlots(old))) {
        let dom = domValue(value, isComponent ? '' : name);
        if (name === 'style' && old.ws) dom = effectiveStyle(old, dom);
        if (dom !== domValue(oldAttrs[name], isComponent ? '' : name)) this.ops.push(ATTR, old.n, name, dom);
      }
    }
    for (const name in oldAttrs) {
      if (name in newAttrs) continue;
      (changed ||= {})[name] = undefined;
      if (!isComponent && isProp(oldAttrs[name])) {
        if (old.ps) delete old.ps[name];
        this.ops.push(PROP, old.n, name, null);
        continue;
      }
      if (domVisible(name, isComponent) && domValue(oldAttrs[name]) !== null) this.ops.push(ATTR, old.n, name, null);
    }
    // `class` is compared after mapping: a component's external classes may change without the template.
    if ('class' in newAttrs || old.mc !== undefined) {
      const mapped = domValue(newAttrs.class) === null ? undefined : mapClass(newAttrs.class, owner);
      if (mapped !== old.mc) {
        const shown = old.wc ? effectiveClass(old, mapped) : mapped;
        this.ops.push(ATTR, old.n, 'class', shown === undefined ? null : shown);
        old.mc = mapped;
      }
    }
    old.a = newAttrs;
    if (old.e !== next.e) {
      const types = eventTypes(next.e, owner);
      if (types !== old.ev) {
        this.ops.push(EVENTS, old.n, types);
        old.ev = types;
      }
      old.e = next.e;
    }
    old.k = next.k;
    old.o = owner;
    if (old.comp && changed) old.comp.__receive(changed);
    this.patchChildren(old, old.c, next.c, owner);
    if (old.t === 'slot' && owner && owner.__slots) owner.__slots.set(String(old.a.name || ''), old);
  }

  /**
   * Children, matched by `wx:key` where there is one and otherwise by position; moves as few nodes
   * as a longest increasing subsequence allows.
   * @param {any} parent @param {any[]} oldChildren @param {any[]} newChildren @param {any} owner
   */
  patchChildren(parent, oldChildren, newChildren, owner) {
    const oldLength = oldChildren.length;
    const newLength = newChildren.length;
    let same = oldLength === newLength;
    if (same) {
      for (let i = 0; i < newLength; i += 1) {
        if (keyOf(oldChildren[i]) !== keyOf(newChildren[i])) {
          same = false;
          break;
        }
      }
    }
    if (same) {
      for (let i = 0; i < newLength; i += 1) newChildren[i] = this.patch(oldChildren[i], newChildren[i], parent, owner);
      parent.c = newChildren;
      return;
    }
    /** @type {Map<any, number>} */
    const keyed = new Map();
    /** @type {number[]} */
    const unkeyed = [];
    for (let i = 0; i < oldLength; i += 1) {
      const key = keyOf(oldChildren[i]);
      if (key !== undefined && !keyed.has(key)) keyed.set(key, i);
      else unkeyed.push(i);
    }
    const used = new Uint8Array(oldLength);
    const sources = new Int32Array(newLength).fill(-1);
    let unkeyedAt = 0;
    for (let j = 0; j < newLength; j += 1) {
      const next = newChildren[j];
      const key = keyOf(next);
      let i = -1;
      if (key !== undefined) {
        const found = keyed.get(key);
        if (found !== undefined) {
          keyed.delete(key);
          i = found;
        }
      } else if (unkeyedAt < unkeyed.length) {
        i = unkeyed[unkeyedAt++];
      }
      if (i >= 0) {
        const old = oldChildren[i];
        const compatible = isText(next) ? old.x !== undefined : old.x === undefined && old.t === next.t && old.cp === next.cp && old.b === next.b;
        if (compatible) {
          used[i] = 1;
          sources[j] = i;
          newChildren[j] = isText(next) ? this.patch(old, next, parent, owner) : (this.update(old, next, owner), old);
          continue;
        }
      }
      newChildren[j] = this.mount(next, parent, owner);
    }
    for (let i = 0; i < oldLength; i += 1) {
      if (!used[i]) {
        this.ops.push(REMOVE, oldChildren[i].n);
        this.unmount(oldChildren[i]);
      }
    }
    const stay = longestIncreasing(sources);
    let before = 0;
    for (let j = newLength - 1; j >= 0; j -= 1) {
      const node = newChildren[j];
      if (sources[j] < 0) this.ops.push(INSERT, parent.n, before, this.serialize(node));
      else if (!stay.has(j)) {
        this.ops.push(MOVE, node.n, parent.n, before);
        collectComponents(node, this.movedQueue);
      }
      before = node.n;
    }
    parent.c = newChildren;
  }
}

/**
 * Positions (in `sources`) of a longest increasing run of old indices: the nodes that need not move.
 * @param {Int32Array} sources old index per new position, -1 for new nodes
 */
function longestIncreasing(sources) {
  /** @type {number[]} */
  const tails = [];
  const previous = new Int32Array(sources.length).fill(-1);
  for (let j = 0; j < sources.length; j += 1) {
    const value = sources[j];
    if (value < 0) continue;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sources[tails[mid]] < value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[j] = tails[low - 1];
    tails[low] = j;
  }
  const stay = new Set();
  let at = tails.length ? tails[tails.length - 1] : -1;
  while (at >= 0) {
    stay.add(at);
    at = previous[at];
  }
  return stay;
}
