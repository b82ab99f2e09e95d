// @ts-check
/**
 * `hutong dev` only: listen for new builds and reload the host page, so the running mini program
 * restarts on the new release; show a compile error over the page until a good build replaces it.
 */

const source = new EventSource('/api/dev/events');
/** @type {number | null} */
let generation = null;
/** @type {HTMLElement | null} */
let overlay = null;

/** @param {string} message */
function showError(message) {
  if (!overlay) {
    overlay = document.createElement('pre');
    overlay.id = 'hutong-compile-error';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText =
      'position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:12px;' +
      'background:#2b0000;color:#ffd7d7;font:12px/1.4 monospace;white-space:pre-wrap;z-index:2147483647';
    document.body.appendChild(overlay);
  }
  overlay.textContent = message;
}

source.addEventListener('hello', (event) => {
  const next = JSON.parse(/** @type {MessageEvent} */ (event).data).generation;
  // A reconnect after the server restarted with a newer build also reloads.
  if (generation !== null && next !== generation) location.reload();
  generation = next;
});
source.addEventListener('build', (event) => {
  const next = JSON.parse(/** @type {MessageEvent} */ (event).data).generation;
  if (next !== generation) location.reload();
});
source.addEventListener('compile-error', (event) => {
  showError(JSON.parse(/** @type {MessageEvent} */ (event).data).message);
});
