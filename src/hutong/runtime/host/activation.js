// @ts-check
/**
 * The browser's own proof that the user just acted: transient user activation
 * (`navigator.userActivation`). A tap in a page frame activates the host page too (activation reaches
 * a frame's ancestors), and no script can make one, so a logic thread or page frame that forges a
 * call the page may only make from a tap (the subscribe dialog, the share sheet, opening another
 * mini program) is refused when no
 * tap happened in the last few seconds (about 5 s in Chromium, as lenient as WeChat's tap rule).
 */

/** True inside a user's recent tap; true where the browser cannot tell (no userActivation API). */
export function userActed() {
  const activation = /** @type {any} */ (navigator).userActivation;
  return !activation || Boolean(activation.isActive);
}
