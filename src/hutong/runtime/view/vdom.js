// @ts-check
/**
 * The patcher that brings the DOM in line with the virtual nodes compiled templates build.
 *
 * A vnode is a string (text) or `{t, a, e, c, k}`: tag, attributes, event bindings
 * `[type, handler, flags]`, children, and the `wx:for` key. Built-in tags get a `wx-` prefix in the
 * DOM so that they never pick up an HTML element's behaviour (`button`, `form`, `input`).
 */

import { checkTag } from './diagnostics.js';

/** @typedef {{t: string, a: Record<string, any>, e: any[], c: VNode[], k?: any, cp?: string}} VElement */
/** @typedef {string | VElement} VNode */

const RPX = /(-?\d*\.?\d+)rpx/g;

/** Inline styles may carry rpx at run time (`style="width: {{w}}rpx"`). @param {string} style */
export function convertRpx(style) {
  return style.includes('rpx') ? style.replace(RPX, (_, n) => `${Number(n) / 7.5}vw`) : style;
}

/** @param {string} tag */
function domTag(tag) {
  return tag.includes('-') ? tag : `wx-${tag}`;
}

/** @param {Element} el @param {string} name @param {any} value */
function setAttribute(el, name, value) {
  if (name === 'style' && typeof value === 'string') value = convertRpx(value);
  if (name === 'hidden') value = Boolean(value) && value !== 'false' ? '' : null;
  if (value === undefined || value === null || value === false) el.removeAttribute(name);
  else if (typeof value !== 'object' && typeof value !== 'function') {
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

/** @param {VNode} vnode @returns {Node} */
export function create(vnode) {
  if (typeof vnode === 'string') return document.createTextNode(vnode);
  if (!vnode.cp) checkTag(vnode.t);
  const el = document.createElement(domTag(vnode.t));
  for (const name in vnode.a) setAttribute(el, name, vnode.a[name]);
  for (const child of vnode.c) el.appendChild(create(child));
  /** @type {any} */ (el).__v = vnode;
  return el;
}

/**
 * Bring `el`, made from `old`, in line with `next`; returns the node now standing for `next`.
 * @param {Node} node @param {VNode} old @param {VNode} next
 * @returns {Node}
 */
export function patch(node, old, next) {
  if (old === next) return node;
  if (typeof old === 'string' || typeof next === 'string' || old.t !== next.t) {
    if (typeof old === 'string' && typeof next === 'string') {
      if (old !== next) node.nodeValue = next;
      return node;
    }
    const replacement = create(next);
    node.parentNode?.replaceChild(replacement, node);
    return replacement;
  }
  const el = /** @type {Element} */ (node);
  const oldAttrs = old.a;
  const newAttrs = next.a;
  for (const name in newAttrs) {
    if (oldAttrs[name] !== newAttrs[name]) setAttribute(el, name, newAttrs[name]);
  }
  for (const name in oldAttrs) {
    if (!(name in newAttrs)) el.removeAttribute(name);
  }
  patchChildren(el, old.c, next.c);
  /** @type {any} */ (el).__v = next;
  return el;
}

/** @param {VNode} vnode */
function keyOf(vnode) {
  return typeof vnode === 'object' ? vnode.k : undefined;
}

/**
 * Children: matched by key where `wx:for` gave one, otherwise by position.
 * @param {Element} parent @param {VNode[]} oldChildren @param {VNode[]} newChildren
 */
export function patchChildren(parent, oldChildren, newChildren) {
  const nodes = Array.from(parent.childNodes);
  const sameShape =
    oldChildren.length === newChildren.length &&
    oldChildren.every((child, i) => keyOf(child) === keyOf(newChildren[i]));
  if (sameShape) {
    for (let i = 0; i < newChildren.length; i += 1) patch(nodes[i], oldChildren[i], newChildren[i]);
    return;
  }
  /** @type {Map<any, {node: Node, vnode: VNode}>} */
  const keyed = new Map();
  /** @type {{node: Node, vnode: VNode}[]} */
  const unkeyed = [];
  oldChildren.forEach((vnode, i) => {
    const key = keyOf(vnode);
    if (key !== undefined && !keyed.has(key)) keyed.set(key, { node: nodes[i], vnode });
    else unkeyed.push({ node: nodes[i], vnode });
  });
  /** @type {Node[]} */
  const result = [];
  for (const vnode of newChildren) {
    const key = keyOf(vnode);
    const match = key !== undefined ? keyed.get(key) : unkeyed.shift();
    if (match && (key === undefined || keyed.delete(key))) {
      result.push(patch(match.node, match.vnode, vnode));
    } else {
      result.push(create(vnode));
    }
  }
  for (const { node } of keyed.values()) node.parentNode?.removeChild(node);
  for (const { node } of unkeyed) node.parentNode?.removeChild(node);
  // Put nodes in order, moving only those that are out of place.
  let cursor = parent.firstChild;
  for (const node of result) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
}
