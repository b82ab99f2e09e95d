// @ts-check
/**
 * Customer service and feedback, the host's side of `<button open-type="contact|feedback">`.
 *
 * - contact: a signed-in user only (a guest is asked to sign in by the shell's sheet, as for
 *   wx.login). The session is drawn over the app, in the host document: the conversation with the
 *   app's customer service (support-thread.js), and with `show-message-card` the page's card to send.
 *   Leaving answers `{path, query}` of the card the user tapped, or empty ones.
 * - feedback: the host's form (category, description, contact, up to 4 images from the device),
 *   stored for the app's developers (the console lists it).
 *
 * The button's attributes come from the page frame through the logic thread: they are the app's
 * words, so only strings of bounded length are read, and a card's image must be a file of the app's
 * package or an https URL.
 */
import { signedIn } from './login.js';
import { cardTarget, supportCall, threadView } from './support-thread.js';
import { assetUrl, el, overlay } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

export const FEEDBACK_CATEGORIES = /** @type {[string, string][]} */ ([
  ['bug', '功能异常'],
  ['experience', '体验问题'],
  ['suggestion', '产品建议'],
  ['other', '其他'],
]);
const FEEDBACK_MAX = 500;
const IMAGES_MAX = 4;
const IMAGE_MAX_BYTES = 1024 * 1024;

/**
 * The support sheet each app shows, by the function that closes it: one at a time, as with dialogs
 * (ui.js ask), so an app calling in a loop leaves one sheet (and one poll), not thousands.
 * @type {WeakMap<object, () => void>}
 */
const openSheets = new WeakMap();

/** Show `layer` as the app's only support sheet; `close` answers the call as cancelled. @param {MiniProgram} mp @param {() => void} close */
function takeOver(mp, close) {
  openSheets.get(mp)?.();
  openSheets.set(mp, close);
}

/** @param {MiniProgram} mp @param {() => void} close */
function release(mp, close) {
  if (openSheets.get(mp) === close) openSheets.delete(mp);
}

/** @param {unknown} value @param {number} limit */
const text = (value, limit) => String(value ?? '').slice(0, limit);

/** The message card WeChat offers: the current page's title and path unless the button says otherwise. @param {MiniProgram} mp @param {Record<string, any>} args */
function messageCard(mp, args) {
  const top = /** @type {any} */ (mp).top;
  const config = /** @type {any} */ (mp).config || {};
  const window = { ...(config.window || {}), ...(config.pageConfigs?.[top?.route]?.window || {}) };
  const query = new URLSearchParams(top?.query || {}).toString();
  const title = text(args.sendMessageTitle, 128) || top?.title || window.navigationBarTitleText || mp.appName || mp.appid;
  const path = text(args.sendMessagePath, 1024) || `${top?.route || ''}${query ? `?${query}` : ''}`;
  const image = text(args.sendMessageImg, 1000);
  const resolved = image ? assetUrl(mp, image) : '';
  const thumb = /^\/blobs\/[0-9a-f]{64}$/.test(resolved) || resolved.startsWith('https://') ? resolved : '';
  return { title, path, thumb };
}

/** @param {Blob} file */
async function base64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** @param {MiniProgram} mp @param {string} title @param {() => void} onBack */
function header(mp, title, onBack) {
  return el('div', { className: 'hutong-support-header' }, [
    el('button', { type: 'button', className: 'hutong-support-back', onclick: onBack, 'aria-label': 'Back' }, ['‹ 返回']),
    el('div', { className: 'hutong-support-title' }, [title]),
    el('div', { className: 'hutong-support-app' }, [mp.appName || mp.appid]),
  ]);
}

export const support = {
  /** `<button open-type="contact">`: the customer service session. @param {MiniProgram} mp @param {Record<string, any>} args */
  async hutongContact(mp, args) {
    const user = await signedIn(mp);
    const csrf = user.csrf_token || '';
    const appid = encodeURIComponent(mp.appid);
    const thread = await supportCall(csrf, 'POST', `/api/me/support/${appid}/enter`, { session_from: text(args.sessionFrom, 1024) });
    const card = args.showMessageCard === true ? messageCard(mp, args) : null;
    return new Promise((resolve) => {
      const layer = overlay(mp, 'hutong-support-layer');
      /** @param {{path: string, query: Record<string, string>}} result */
      const finish = (result) => {
        release(mp, cancel);
        view.stop();
        layer.remove();
        resolve(result);
      };
      const cancel = () => finish({ path: '', query: {} });
      takeOver(mp, cancel);
      const view = threadView({ appid: mp.appid, appName: mp.appName || mp.appid, csrf, thread, card, onCard: (pagepath) => finish(cardTarget(pagepath)) });
      const sheet = el('div', { className: 'hutong-support-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Customer service' }, [
        header(mp, '客服消息', () => finish({ path: '', query: {} })),
        view.element,
      ]);
      layer.appendChild(sheet);
    });
  },

  /** `<button open-type="feedback">`: the feedback form. @param {MiniProgram} mp */
  async hutongFeedback(mp) {
    const user = await signedIn(mp);
    const csrf = user.csrf_token || '';
    return new Promise((resolve, reject) => {
      const layer = overlay(mp, 'hutong-support-layer hutong-feedback-layer');
      /** @param {Error | null} error */
      const finish = (error) => {
        release(mp, cancel);
        layer.remove();
        if (error) reject(error);
        else resolve({});
      };
      const cancel = () => finish(new Error('cancel'));
      takeOver(mp, cancel);
      const categories = el('fieldset', { className: 'hutong-feedback-categories' }, [
        el('legend', {}, ['反馈类型']),
        ...FEEDBACK_CATEGORIES.map(([value, label], index) => el('label', {}, [el('input', { type: 'radio', name: 'category', value, checked: index === 0 }), label])),
      ]);
      const content = /** @type {HTMLTextAreaElement} */ (el('textarea', { name: 'content', maxLength: FEEDBACK_MAX, rows: 5, required: true, placeholder: '请描述你遇到的问题或建议' }));
      const counter = el('span', { className: 'hutong-feedback-count' }, [`0/${FEEDBACK_MAX}`]);
      content.addEventListener('input', () => {
        counter.textContent = `${content.value.length}/${FEEDBACK_MAX}`;
      });
      const contact = el('input', { name: 'contact', maxLength: 100, placeholder: '手机号、邮箱（选填）' });
      const files = /** @type {HTMLInputElement} */ (el('input', { type: 'file', name: 'images', accept: 'image/png,image/jpeg,image/gif,image/webp', multiple: true }));
      const previews = el('div', { className: 'hutong-feedback-previews' });
      files.addEventListener('change', () => {
        previews.replaceChildren(...Array.from(files.files || []).slice(0, IMAGES_MAX).map((file) => el('img', { src: URL.createObjectURL(file), alt: file.name })));
      });
      const status = el('p', { className: 'hutong-feedback-status', role: 'alert' });
      const submit = el('button', { type: 'submit', className: 'hutong-feedback-submit' }, ['提交']);
      const form = /** @type {HTMLFormElement} */ (el('form', { className: 'hutong-feedback-form' }, [
        categories,
        el('label', { className: 'hutong-feedback-field' }, ['问题描述', content, counter]),
        el('label', { className: 'hutong-feedback-field' }, ['联系方式', contact]),
        el('label', { className: 'hutong-feedback-field' }, [`图片（最多 ${IMAGES_MAX} 张）`, files]),
        previews,
        status,
        submit,
      ]));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const chosen = Array.from(files.files || []);
        if (chosen.length > IMAGES_MAX) {
          status.textContent = `最多 ${IMAGES_MAX} 张图片`;
          return;
        }
        if (chosen.some((file) => file.size > IMAGE_MAX_BYTES)) {
          status.textContent = '每张图片不超过 1 MB';
          return;
        }
        const data = new FormData(form);
        submit.setAttribute('disabled', '');
        try {
          await supportCall(csrf, 'POST', `/api/me/feedback/${encodeURIComponent(mp.appid)}`, {
            category: String(data.get('category') || 'other'),
            content: String(data.get('content') || ''),
            contact: String(data.get('contact') || ''),
            images: await Promise.all(chosen.map(base64)),
          });
        } catch (error) {
          status.textContent = error instanceof Error ? error.message : String(error);
          submit.removeAttribute('disabled');
          return;
        }
        form.replaceChildren(el('p', { className: 'hutong-feedback-done', role: 'status' }, ['感谢你的反馈']));
        window.setTimeout(() => finish(null), 800);
      });
      layer.appendChild(el('div', { className: 'hutong-support-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Feedback' }, [
        header(mp, '意见反馈', () => finish(new Error('cancel'))),
        form,
      ]));
    });
  },
};
