// @ts-check
/** How WXML attribute names become JS names: property names and dataset keys. */

/** `my-prop` → `myProp`, as WXML attribute names map to property names. @param {string} name */
export function camel(name) {
  return name.includes('-') ? name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase()) : name;
}

/** WeChat's dataset keys: `data-foo-bar` → fooBar, `data-fooBar` → foobar. @param {Record<string, any>} attrs */
export function datasetOf(attrs) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const name in attrs) {
    if (name.length > 5 && name.startsWith('data-')) {
      out[name.slice(5).toLowerCase().replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())] = attrs[name];
    }
  }
  return out;
}
