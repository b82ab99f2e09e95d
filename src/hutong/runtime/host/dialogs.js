// @ts-check
/** Host-drawn UI that no mini program frame can read or fake: toasts for now. */

/**
 * @param {HTMLElement} surface where the running mini program is shown
 * @param {{title?: string, duration?: number, icon?: string}} options
 */
export function showToast(surface, options) {
  surface.querySelector('.hutong-toast')?.remove();
  const toast = document.createElement('div');
  toast.className = 'hutong-toast';
  toast.setAttribute('role', 'status');
  toast.textContent = String(options.title ?? '');
  surface.appendChild(toast);
  setTimeout(() => toast.remove(), Number(options.duration) || 1500);
}
