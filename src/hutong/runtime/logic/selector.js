// @ts-check
/**
 * The selector subset selectComponent and SelectorQuery accept (`#id`, `.class`, `tag`, compounds,
 * descendant ` ` and child `>` combinators, `,` lists), matched against mounted nodes of one scope.
 */

/** @typedef {{tag: string | null, id: string | null, classes: string[]}} Compound */
/** @typedef {{parts: Compound[], combinators: string[]}} Complex */

/** @type {Map<string, Complex[]>} */
const cache = new Map();

/** @param {string} text @returns {Compound} */
function parseCompound(text) {
  /** @type {Compound} */
  const compound = { tag: null, id: null, classes: [] };
  const pattern = /([#.]?)([^#.\s]+)/g;
  let match;
  while ((match = pattern.exec(text))) {
    if (match[1] === '#') compound.id = match[2];
    else if (match[1] === '.') compound.classes.push(match[2]);
    else compound.tag = match[2];
  }
  return compound;
}

/** @param {string} selector @returns {Complex[]} */
export function parseSelector(selector) {
  const cached = cache.get(selector);
  if (cached) return cached;
  const list = String(selector)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const tokens = part.replace(/\s*(>>>|>)\s*/g, ' $1 ').split(/\s+/);
      /** @type {Complex} */
      const complex = { parts: [], combinators: [] };
      let combinator = ' ';
      for (const token of tokens) {
        if (token === '>' || token === '>>>') {
          combinator = token;
          continue;
        }
        if (complex.parts.length) complex.combinators.push(combinator);
        complex.parts.push(parseCompound(token));
        combinator = ' ';
      }
      return complex;
    });
  cache.set(selector, list);
  return list;
}

/** @param {any} node @param {Compound} compound */
function matchesCompound(node, compound) {
  if (!node || node.x !== undefined || !node.t) return false;
  if (compound.tag && compound.tag !== node.t) return false;
  if (compound.id && String(node.a.id ?? '') !== compound.id) return false;
  if (compound.classes.length) {
    const classes = String(node.mc ?? node.a.class ?? '').split(/\s+/);
    for (const name of compound.classes) if (!classes.includes(name)) return false;
  }
  return true;
}

/** The element above `node` in the same template (null at the scope's root). @param {any} node */
function parentInScope(node) {
  const parent = node.p;
  return parent && parent.t ? parent : null;
}

/** @param {any} node @param {Complex} complex @param {number} index */
function matchesFrom(node, complex, index) {
  if (!matchesCompound(node, complex.parts[index])) return false;
  if (index === 0) return true;
  const combinator = complex.combinators[index - 1];
  if (combinator === '>') {
    const parent = parentInScope(node);
    return Boolean(parent) && matchesFrom(parent, complex, index - 1);
  }
  for (let up = parentInScope(node); up; up = parentInScope(up)) {
    if (matchesFrom(up, complex, index - 1)) return true;
  }
  return false;
}

/** @param {any} node @param {Complex[]} list */
export function matches(node, list) {
  for (const complex of list) if (matchesFrom(node, complex, complex.parts.length - 1)) return true;
  return false;
}

/**
 * Every element of `scope`'s own template under `container` (slotted light children included, other
 * components' shadow trees excluded) that matches `selector`, in document order.
 * @param {any} container @param {any} scope @param {string} selector @param {boolean} all
 */
export function querySelectorIn(container, scope, selector, all) {
  if (!container) return []; // a scope not rendered yet (a property observer during creation)
  const list = parseSelector(selector);
  /** @type {any[]} */
  const found = [];
  /** @param {any[]} children */
  const walk = (children) => {
    for (const node of children) {
      if (node.x !== undefined) continue;
      if (node.o === scope && matches(node, list)) {
        found.push(node);
        if (!all) return true;
      }
      if (walk(node.c)) return true;
    }
    return false;
  };
  walk(container.c);
  return found;
}
