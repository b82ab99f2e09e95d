// @ts-check
/**
 * A phone draws a font family it lacks in its sans-serif face; Chromium draws it in its default face,
 * serif. Compiled WXSS gets the fallback from the compiler (compiler/wxss.py); what only exists at run
 * time (inline styles, canvas fonts) gets it here.
 */

/** Generic families and CSS-wide keywords: a list naming one already has its fallback. */
const GENERIC_FAMILIES = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif',
  'ui-monospace', 'ui-rounded', 'math', 'emoji', 'fangsong', '-apple-system', 'blinkmacsystemfont', 'inherit', 'initial', 'unset', 'revert', 'revert-layer']);

/**
 * The value with `, sans-serif` at its end when it names no generic family. A `font` shorthand only
 * when it is whole (a size, then the families), not `font: caption`; var() and env() are left alone.
 * @param {string} value a font-family list, or a font shorthand when `shorthand`
 * @param {boolean} shorthand
 */
export function withSansSerif(value, shorthand) {
  if (!value.trim() || /var\(|env\(/i.test(value)) return value;
  if (shorthand && !/\d(px|r?em|%|pt|vw|vh|rpx)?\b/i.test(value)) return value;
  const items = value.split(',').map((item) => item.trim().toLowerCase());
  const last = items[items.length - 1].split(/\s+/).pop() || '';
  if (items.some((item) => GENERIC_FAMILIES.has(item)) || GENERIC_FAMILIES.has(last)) return value;
  return `${value}, sans-serif`;
}
