// @ts-check
/**
 * WXS functions bound as event handlers (`bindtap="{{m.fn}}"`), run where the events are dispatched:
 * `fn(event, ownerInstance)` with ComponentDescriptors for `event.instance` (the element carrying the
 * binding) and the owner. What a descriptor changes (style, classes) goes to the frame as DOM
 * operations and survives re-renders of the template.
 */
import { ATTR } from '../common/ops.js';
import { guard } from './errors.js';
import { scheduleFlush } from './instance.js';
import { datasetOf } from './names.js';
import { querySelectorIn } from './selector.js';

/** @type {WeakMap<object, Record<string, any>>} */
const states = new WeakMap();

/** @param {string | Record<string, any>} value */
function cssText(value) {
  if (typeof value === 'string') return value;
  return Object.entries(value || {})
    .map(([name, v]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${v}`)
    .join('; ');
}

/**
 * The `style` the frame shows: the template's, then what wxs set. @param {any} node @param {any} value
 */
export function effectiveStyle(node, value) {
  if (!node.ws) return value;
  const base = value === undefined || value === null || value === false ? '' : String(value);
  return base ? `${base}; ${node.ws}` : node.ws;
}

/** The `class` the frame shows: the template's, with wxs's addClass/removeClass. @param {any} node @param {any} value */
export function effectiveClass(node, value) {
  if (!node.wc) return value;
  const names = new Set(String(value ?? '').split(/\s+/).filter(Boolean));
  for (const [name, on] of node.wc) {
    if (on) names.add(name);
    else names.delete(name);
  }
  return Array.from(names).join(' ');
}

/**
 * @param {any} node a mounted element, or a scope (its host element stands for it)
 * @param {any} scope the page or component whose template the node belongs to
 * @param {import('./tree.js').PageTree} tree
 */
function descriptor(node, scope, tree) {
  const element = node && node.t ? node : null;
  const changed = () => scheduleFlush(tree);
  const self = {
    /** @param {string | Record<string, any>} value */
    setStyle(value) {
      if (!element) return self;
      element.ws = cssText(value);
      tree.ops.push(ATTR, element.n, 'style', effectiveStyle(element, element.a.style) || null);
      changed();
      return self;
    },
    /** @param {string} name */
    addClass(name) {
      return self.toggleClass(name, true);
    },
    /** @param {string} name */
    removeClass(name) {
      return self.toggleClass(name, false);
    },
    /** @param {string} name @param {boolean} on */
    toggleClass(name, on) {
      if (!element) return self;
      (element.wc ||= new Map()).set(String(name), on);
      const shown = effectiveClass(element, element.mc ?? element.a.class);
      tree.ops.push(ATTR, element.n, 'class', shown || null);
      changed();
      return self;
    },
    /** @param {string} name */
    hasClass(name) {
      const shown = element ? effectiveClass(element, element.mc ?? element.a.class) : '';
      return String(shown ?? '').split(/\s+/).includes(name);
    },
    getDataset: () => (element ? datasetOf(element.a) : {}),
    getState() {
      const key = element || scope;
      let state = states.get(key);
      if (!state) states.set(key, (state = {}));
      return state;
    },
    /** @param {string} name @param {any} [args] */
    callMethod(name, args) {
      const method = scope && scope[name];
      if (typeof method === 'function') return guard(() => method.call(scope, args));
      return undefined;
    },
    /** @param {string} selector */
    selectComponent(selector) {
      const root = element && element.comp ? element.comp : scope;
      const found = querySelectorIn(root.__root, root, selector, false)[0];
      return found ? descriptor(found, root, tree) : null;
    },
    /** @param {string} selector */
    selectAllComponents(selector) {
      const root = element && element.comp ? element.comp : scope;
      return querySelectorIn(root.__root, root, selector, true).map((found) => descriptor(found, root, tree));
    },
    /** @param {string} name @param {any} [detail] @param {any} [options] */
    triggerEvent(name, detail, options) {
      if (scope && typeof scope.triggerEvent === 'function') scope.triggerEvent(name, detail, options);
    },
    getComputedStyle: () => ({}),
    getBoundingClientRect: () => ({}),
    /** @param {Function} fn */
    requestAnimationFrame: (fn) => setTimeout(() => guard(() => fn(performance.now())), 16),
    /** @param {Function} fn @param {number} ms */
    setTimeout: (fn, ms) => setTimeout(() => guard(() => fn()), ms),
    /** @param {number} id */
    clearTimeout: (id) => clearTimeout(id),
  };
  return self;
}

/**
 * Run a wxs handler for a listener on `node`; false asks to stop the event.
 * @param {Function} handler @param {Record<string, any>} event @param {any} node
 * @param {import('./tree.js').PageTree} tree
 */
export function callWxsHandler(handler, event, node, tree) {
  const scope = node.o;
  const owner = scope && scope.__host ? descriptor(scope.__host, scope.__owner, tree) : descriptor(null, scope, tree);
  // The owner descriptor acts on the owner's own template (selectComponent, callMethod).
  const ownerInstance = { ...owner, callMethod: descriptor(null, scope, tree).callMethod, selectComponent: descriptor(null, scope, tree).selectComponent };
  return guard(() => handler({ ...event, instance: descriptor(node, scope, tree) }, ownerInstance));
}
