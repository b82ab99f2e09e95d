// @ts-check
/**
 * The open pages' instances, bottom first. Its own module so that what only reads it (fonts.js) needs
 * not import page.js, which imports them: the runtime's import graph has no cycles, so a preloaded
 * flat list of it evaluates in the same order as the imports would (server/delivery/runtime_assets.py).
 */
/** @type {any[]} */
export const stack = [];
