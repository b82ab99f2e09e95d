// @ts-check
/** Interaction: toasts, loading, modals and action sheets are drawn by the host, outside every frame. */
import { callHost } from '../call.js';

/** @param {string} name */
const host = (name) => (/** @type {any} */ options) => callHost(name, options || {});

export const interaction = {
  showToast: host('showToast'),
  hideToast: host('hideToast'),
  showLoading: host('showLoading'),
  hideLoading: host('hideLoading'),
  showModal: host('showModal'),
  showActionSheet: host('showActionSheet'),
  enableAlertBeforeUnload: host('enableAlertBeforeUnload'),
  disableAlertBeforeUnload: host('disableAlertBeforeUnload'),
};
