// @ts-check
/**
 * The deep copy WeChat makes of `data` (a Page's or Component's initial data, property defaults, a
 * Page's other fields): plain objects and arrays are copied, functions stay the same functions, Dates
 * and RegExps are copied, cycles are kept. Apps rely on functions surviving: echarts' `ec: { onInit }`
 * in a page's data reaches its component's property.
 */

/** @param {any} value @param {Map<any, any>} [seen] @returns {any} */
export function copyData(value, seen = new Map()) {
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    /** @type {any[]} */
    const out = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i += 1) out.push(copyData(value[i], seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    /** @type {Record<string, any>} */
    const out = proto === null ? Object.create(null) : {};
    seen.set(value, out);
    for (const key of Object.keys(value)) out[key] = copyData(value[key], seen);
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  // Anything else (a class instance, a Map): the same object, as WeChat's copy leaves it.
  return value;
}
