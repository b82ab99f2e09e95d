// @ts-check
/**
 * The open pages' instances, bottom first. Its own module so that what only reads it (fonts.js) needs
 * not import page.js, which imports them: the runtime's import graph has no cycles, so in its bundle
 * (server/delivery/runtime_bundle.py) every module's imports have run before it reads them.
 */
/** @type {any[]} */
export const stack = [];
