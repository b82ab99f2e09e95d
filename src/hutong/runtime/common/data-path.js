// @ts-check
/** setData path keys: `a.b[0].c` parsed into segments and written into a data tree. */

/**
 * Parse a setData key into property names and array indices.
 * @param {string} path
 * @returns {(string|number)[]}
 */
export function parsePath(path) {
  /** @type {(string|number)[]} */
  const segments = [];
  let name = '';
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '\\' && i + 1 < path.length) {
      name += path[i + 1];
      i += 2;
    } else if (ch === '.') {
      if (name) segments.push(name);
      name = '';
      i += 1;
    } else if (ch === '[') {
      if (name) segments.push(name);
      name = '';
      const end = path.indexOf(']', i);
      const index = end < 0 ? NaN : Number(path.slice(i + 1, end));
      if (!Number.isInteger(index) || index < 0) {
        throw new Error(`invalid setData path "${path}": bad index at char ${i}`);
      }
      segments.push(index);
      i = end + 1;
    } else {
      name += ch;
      i += 1;
    }
  }
  if (name) segments.push(name);
  return segments;
}

/**
 * Set `value` at `segments` inside `root`, creating objects and arrays on the way.
 * @param {Record<string, any>} root
 * @param {(string|number)[]} segments
 * @param {any} value
 */
export function setPath(root, segments, value) {
  /** @type {any} */
  let node = root;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const key = segments[i];
    let next = node[key];
    if (next === null || typeof next !== 'object') {
      next = typeof segments[i + 1] === 'number' ? [] : {};
      node[key] = next;
    }
    node = next;
  }
  node[segments[segments.length - 1]] = value;
}
