// @ts-check
/**
 * WeChat event delivery over the mounted tree: capture (capture-bind, capture-catch) from the root
 * down, then bubble (bind, catch, mut-bind) up, across component boundaries as WeChat does. Each
 * binding runs a method of the scope whose template wrote it: the page's, or the component's.
 */
import { datasetOf } from './names.js';
import { guard } from './errors.js';
import { asGesture, GESTURE_EVENTS } from './gesture.js';
import { callWxsHandler } from './wxs-events.js';

const FLAG_CATCH = 1;
const FLAG_CAPTURE = 2;
const FLAG_MUT = 4;

/**
 * The node above `node` in the composed tree: a slotted child goes to its slot, a shadow root to its
 * host, the page root to nothing.
 * @param {any} node
 */
function composedParent(node) {
  const parent = node.p;
  if (!parent) return node.host || null;
  if (parent.comp && node.o !== parent.comp) {
    // A light child of a component host: it is shown through the component's slot.
    const comp = parent.comp;
    const name = comp.__multipleSlots ? String(node.a?.slot ?? '') : '';
    return comp.__slots.get(name) || comp.__slots.get('') || parent;
  }
  return parent;
}

/** @param {any} node */
function describe(node) {
  if (!node || !node.a) return { id: '', dataset: {} };
  return { id: String(node.a.id ?? ''), dataset: datasetOf(node.a) };
}

/**
 * The path an event takes from `origin`, element nodes only, nearest first.
 * @param {any} origin @param {boolean} composed leave the origin's scope (into the owners' templates)
 */
function eventPath(origin, composed) {
  /** @type {any[]} */
  const path = [];
  const scope = origin.o;
  for (let node = origin; node; node = composedParent(node)) {
    if (node.host !== undefined && node.c && !node.t) {
      // A shadow root: a non-composed event stops at the root of its own scope.
      if (!composed && node.o === scope) break;
      continue;
    }
    if (node.t) path.push(node);
  }
  return path;
}

/**
 * @param {any[]} path element nodes, nearest first
 * @param {string} type
 * @param {{bubbles: boolean, capture: boolean}} phases
 * @param {(node: any) => Record<string, any>} build the event object for a listener on `node`
 * @param {import('./tree.js').PageTree} tree
 */
function deliver(path, type, phases, build, tree) {
  let stopped = false;
  /** @type {any} what the target's own (bubble-phase) handler returned */
  let returned;
  let mutDone = false;
  /** @param {any} node @param {boolean} capture */
  const visit = (node, capture) => {
    const bindings = node.e;
    if (!bindings || bindings.length === 0) return;
    for (const [bindingType, handler, flags] of bindings) {
      if (bindingType !== type || Boolean(flags & FLAG_CAPTURE) !== capture) continue;
      if (flags & FLAG_MUT) {
        if (mutDone) continue;
        mutDone = true;
      }
      if (typeof handler === 'string' && handler) {
        const result = call(node.o, handler, build(node));
        if (!capture && node === path[0]) returned = result;
      }
      else if (typeof handler === 'function' && callWxsHandler(handler, build(node), node, tree) === false) stopped = true;
      if (flags & FLAG_CATCH) stopped = true;
    }
  };
  if (phases.capture) for (let i = path.length - 1; i >= 0 && !stopped; i -= 1) visit(path[i], true);
  if (stopped) return undefined;
  const last = phases.bubbles ? path.length : Math.min(1, path.length);
  for (let i = 0; i < last && !stopped; i += 1) visit(path[i], false);
  return returned;
}

/** @param {any} scope @param {string} name @param {Record<string, any>} event */
function call(scope, name, event) {
  const method = scope && scope[name];
  if (typeof method !== 'function') {
    const where = scope?.is || scope?.route || 'page';
    console.warn(`Component "${where}" does not have a method "${name}" to handle event "${event.type}".`);
    return undefined;
  }
  return guard(() => method.call(scope, event));
}

/** The target as a listener in `scope` sees it: the nearest path node that belongs to that scope. */
function retarget(/** @type {any[]} */ path, /** @type {any} */ scope) {
  for (const node of path) if (node.o === scope) return node;
  return path[0];
}

/** `mark:` values along the path, within the listener's scope; the nearest wins. @param {any[]} path @param {any} scope */
function marks(path, scope) {
  /** @type {Record<string, any>} */
  const out = {};
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const node = path[i];
    if (node.o !== scope) continue;
    for (const name in node.a) if (name.startsWith('mark:')) out[name.slice(5)] = node.a[name];
  }
  return out;
}

const BUBBLING = new Set([
  'touchstart', 'touchmove', 'touchcancel', 'touchend', 'tap', 'longpress', 'longtap', 'transitionend',
  'animationstart', 'animationiteration', 'animationend', 'touchforcechange',
]);

/**
 * An event from the page frame: input on the node with id `message.target`. Returns what the target's
 * own handler returned (an `<input>`'s bindinput may return the value to show instead).
 * @param {import('./tree.js').PageTree} tree
 * @param {Record<string, any>} message
 * @returns {any}
 */
export function dispatchFromView(tree, message) {
  const origin = tree.nodes.get(message.target);
  if (!origin || !origin.t) return undefined;
  const type = String(message.type);
  const bubbles = message.bubbles ?? BUBBLING.has(type);
  const path = eventPath(origin, true);
  if (GESTURE_EVENTS.has(type)) return asGesture(() => dispatchPath(path, type, bubbles, message, tree));
  return dispatchPath(path, type, bubbles, message, tree);
}

/** @param {any[]} path @param {string} type @param {boolean} bubbles @param {Record<string, any>} message @param {any} tree */
function dispatchPath(path, type, bubbles, message, tree) {
  return deliver(path, type, { bubbles, capture: true }, (node) => {
    const target = retarget(path, node.o);
    /** @type {Record<string, any>} */
    const event = {
      type,
      timeStamp: message.timeStamp,
      target: describe(target),
      currentTarget: describe(node),
      detail: message.detail ?? {},
      mark: marks(path, node.o),
    };
    if (message.touches) {
      event.touches = message.touches;
      event.changedTouches = message.changedTouches;
    }
    // A built-in's own fields on the event (a map's regionchange: type "begin"/"end", causedBy).
    if (message.fields && typeof message.fields === 'object') Object.assign(event, message.fields);
    return event;
  }, tree);
}

/**
 * `triggerEvent` from a component: starts at its host element in the owner's template.
 * @param {any} component
 * @param {string} type
 * @param {any} detail
 * @param {{bubbles?: boolean, composed?: boolean, capturePhase?: boolean}} options
 */
export function dispatchCustom(component, type, detail, options) {
  const host = component.__host;
  const path = options.bubbles || options.capturePhase ? eventPath(host, Boolean(options.composed)) : [host];
  const timeStamp = Math.round(performance.now());
  deliver(path, type, { bubbles: Boolean(options.bubbles), capture: Boolean(options.capturePhase) }, (node) => ({
    type,
    timeStamp,
    target: describe(retarget(path, node.o)),
    currentTarget: describe(node),
    detail,
    mark: marks(path, node.o),
  }), component.__tree);
}
