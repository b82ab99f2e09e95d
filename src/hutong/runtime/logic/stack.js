// @ts-check
/**
 * The open pages' instances, bottom first. Its own module so that what only reads it (fonts.js) needs
 * not import page.js, which imports them: the runtime's import graph has no cycles, so its module pack
 * (dependencies first, common/pack.js) can give every module its imports' blob URLs.
 */
/** @type {any[]} */
export const stack = [];
