// @ts-check
/**
 * wx.createSelectorQuery and wx.createIntersectionObserver: the logic thread resolves selectors
 * against its own tree (scoped to a page or component), the page frame measures the nodes.
 */
import { toView } from './bridge.js';
import { datasetOf } from './names.js';
import { guard } from './errors.js';
import { querySelectorIn } from './selector.js';
import { canvasNodeFor } from './api/canvas-node.js';

/** @type {(pageId: number, node: any) => any} the context a node's `context()` gives (api/editor.js) */
let contextFor = () => null;

/** api/editor.js: how an `<editor>` node's EditorContext is made. @param {typeof contextFor} factory */
export function setContextFactory(factory) {
  contextFor = factory;
}

let nextQuery = 1;
/** @type {Map<number, (results: any[]) => void>} */
const waiting = new Map();
/** @type {Map<number, (entry: any) => void>} */
const observers = new Map();

/** The page frame answered a query. @param {number} qid @param {any[]} results */
export function settleQuery(qid, results) {
  const done = waiting.get(qid);
  waiting.delete(qid);
  if (done) done(results);
}

/** The page frame saw an intersection change. @param {number} oid @param {any} entry */
export function intersection(oid, entry) {
  const callback = observers.get(oid);
  if (callback) callback(entry);
}

class NodesRef {
  /** @param {SelectorQuery} query @param {string | null} selector @param {boolean} all */
  constructor(query, selector, all) {
    this.query = query;
    this.selector = selector;
    this.all = all;
  }

  /** @param {Record<string, any>} fields @param {Function} [callback] */
  fields(fields, callback) {
    this.query.requests.push({ ref: this, fields, callback });
    return this.query;
  }

  /** @param {Function} [callback] */
  boundingClientRect(callback) {
    return this.fields({ id: true, dataset: true, rect: true, size: true }, callback);
  }

  /** @param {Function} [callback] */
  scrollOffset(callback) {
    return this.fields({ id: true, dataset: true, scrollOffset: true }, callback);
  }

  /** @param {Function} [callback] */
  node(callback) {
    return this.fields({ node: true }, callback);
  }

  /** @param {Function} [callback] */
  context(callback) {
    return this.fields({ context: true }, callback);
  }

  /**
   * The node's Ref object, for worklet functions: WeChat gives one under Skyline only. This is the
   * webview renderer, with no worklets, so the answer carries `ref: null` (the node is still found).
   * @param {Function} [callback]
   */
  ref(callback) {
    return this.fields({ ref: true }, callback);
  }
}

class SelectorQuery {
  /** @param {import('./tree.js').PageTree} tree */
  constructor(tree) {
    this.tree = tree;
    /** @type {any} */
    this.scope = tree.page;
    /** @type {{ref: NodesRef, fields: Record<string, any>, callback?: Function}[]} */
    this.requests = [];
  }

  /** @param {any} component */
  in(component) {
    if (component && component.__root) this.scope = component;
    return this;
  }

  /** @param {string} selector */
  select(selector) {
    return new NodesRef(this, selector, false);
  }

  /** @param {string} selector */
  selectAll(selector) {
    return new NodesRef(this, selector, true);
  }

  selectViewport() {
    return new NodesRef(this, null, false);
  }

  /**
   * As in WeChat, the answer describes the page as the view shows it after what was set before this
   * call: resolving waits for this tick's render (and, in onLoad or onShow, for the first render).
   * @param {Function} [callback]
   */
  exec(callback) {
    queueMicrotask(() => {
      if (!this.tree.closed) this.run(callback);
    });
    return this;
  }

  /** @param {Function} [callback] */
  run(callback) {
    const qid = nextQuery++;
    const resolved = this.requests.map(({ ref, fields }) => {
      if (ref.selector === null) return { viewport: true, ids: [], fields };
      const nodes = querySelectorIn(this.scope.__root, this.scope, ref.selector, ref.all);
      return { nodes, ids: nodes.map((n) => n.n), fields, all: ref.all };
    });
    waiting.set(qid, (results) => {
      const answers = resolved.map((request, index) => {
        const measured = results[index] || [];
        const one = (/** @type {any} */ m, /** @type {number} */ i) => {
          const node = request.nodes ? request.nodes[i] : null;
          const out = { ...m };
          if (request.fields.id) out.id = node ? String(node.a.id ?? '') : '';
          if (request.fields.dataset) out.dataset = node ? datasetOf(node.a) : {};
          if (request.fields.properties && node) {
            for (const name of request.fields.properties) out[name] = node.a[name];
          }
          if (request.fields.ref) out.ref = null;
          if (request.fields.context) {
            // An <editor> gives its EditorContext (api/editor.js registers how).
            const context = contextFor(this.tree.pageId, node);
            if (context) out.context = context;
          }
          if (request.fields.node) {
            // A canvas of type 2d or webgl gives its Canvas node (api/canvas.js).
            delete out.__nodeSize;
            const canvas = canvasNodeFor(this.tree.pageId, node, m.__nodeSize);
            if (canvas) out.node = canvas;
          }
          return out;
        };
        if (request.viewport) return one(measured[0] || {}, 0);
        if (request.all) return measured.map(one);
        return measured.length ? one(measured[0], 0) : null;
      });
      answers.forEach((answer, index) => {
        const cb = this.requests[index].callback;
        if (typeof cb === 'function') guard(() => cb(answer));
      });
      if (typeof callback === 'function') guard(() => callback(answers));
    });
    toView(this.tree.pageId, { t: 'query', qid, requests: resolved.map(({ ids, fields, viewport }) => ({ ids, fields: plainFields(fields), viewport: Boolean(viewport) })) });
  }
}

/** @param {Record<string, any>} fields */
function plainFields(fields) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'function') out[key] = Array.isArray(value) ? value.slice() : value;
  }
  return out;
}

class IntersectionObserverRef {
  /** @param {import('./tree.js').PageTree} tree @param {any} scope @param {Record<string, any>} options */
  constructor(tree, scope, options) {
    this.tree = tree;
    this.scope = scope || tree.page;
    this.options = options || {};
    /** @type {{selector: string | null, margins: Record<string, number>}} */
    this.relative = { selector: null, margins: {} };
    /** @type {number[]} */
    this.ids = [];
  }

  /** @param {string} selector @param {Record<string, number>} [margins] */
  relativeTo(selector, margins) {
    this.relative = { selector, margins: margins || {} };
    return this;
  }

  /** @param {Record<string, number>} [margins] */
  relativeToViewport(margins) {
    this.relative = { selector: null, margins: margins || {} };
    return this;
  }

  /** @param {string} selector @param {Function} callback */
  observe(selector, callback) {
    const all = Boolean(this.options.observeAll);
    const nodes = querySelectorIn(this.scope.__root, this.scope, selector, all);
    const root = this.relative.selector ? querySelectorIn(this.scope.__root, this.scope, this.relative.selector, false)[0] : null;
    for (const node of nodes) {
      const oid = nextQuery++;
      this.ids.push(oid);
      observers.set(oid, (entry) =>
        guard(() => callback({ ...entry, id: String(node.a.id ?? ''), dataset: datasetOf(node.a) })),
      );
      toView(this.tree.pageId, {
          t: 'observe', oid, target: node.n, root: root ? root.n : 0, margins: this.relative.margins,
          thresholds: this.options.thresholds || [0], initialRatio: this.options.initialRatio || 0,
      });
    }
    return this;
  }

  disconnect() {
    for (const oid of this.ids) {
      observers.delete(oid);
      toView(this.tree.pageId, { t: 'unobserve', oid });
    }
    this.ids = [];
  }
}

/** @param {import('./tree.js').PageTree} tree @param {any} scope @param {Record<string, any>} options */
export function createIntersectionObserver(tree, scope, options) {
  return new IntersectionObserverRef(tree, scope, options);
}

/** @param {import('./tree.js').PageTree} tree */
export function createSelectorQuery(tree) {
  return new SelectorQuery(tree);
}
