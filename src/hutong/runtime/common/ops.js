// @ts-check
/**
 * The DOM operations the logic thread sends a page frame, as one flat array per render so that a
 * structured clone stays cheap: an op code followed by a fixed number of arguments.
 *
 *   INSERT parentId beforeId tree     new subtree before beforeId (0: at the end)
 *   MOVE   id parentId beforeId       an existing node to a new place
 *   REMOVE id                         a node and its subtree
 *   TEXT   id text
 *   ATTR   id name value              value null removes the attribute
 *   EVENTS id types                   the event types bound on the node, comma-separated
 *   PROP   id name value              an object or array attribute of a built-in element (picker range,
 *                                     rich-text nodes): kept in `element.__props`, see view/vdom.js
 *
 * A tree is `[id, text]` for text, or `[id, tag, attrs, eventTypes, children, shadow, props]` for an element,
 * where shadow is 0 or `[shadowRootId, componentPath, styleMode, children, ownerPath]` for a
 * custom component; styleMode is one of the STYLE_* values plus the *_BIT flags.
 * The logic side is logic/tree.js, the view side view/vdom.js; keep the three in step.
 */
export const INSERT = 1;
export const MOVE = 2;
export const REMOVE = 3;
export const TEXT = 4;
export const ATTR = 5;
export const EVENTS = 6;
export const PROP = 7;

/** The page root `<wx-page>` always has this id. */
export const ROOT_ID = 1;
/** The container after the page for a custom tab bar (`tabBar.custom`), fixed at the bottom. */
export const TAB_BAR_ID = 2;

/** A component's styles stay inside it and the page's stay out (styleIsolation: isolated). */
export const STYLE_ISOLATED = 0;
/** The page's styles reach into the component (apply-shared, addGlobalClass). */
export const STYLE_APPLY_SHARED = 1;
/** Styles cross both ways (shared). */
export const STYLE_SHARED = 2;
/** The host element takes no box (virtualHost). */
export const VIRTUAL_HOST_BIT = 4;
/** The owner's styles reach in, for the classes it passes as externalClasses. */
export const EXTERNAL_CLASSES_BIT = 8;
