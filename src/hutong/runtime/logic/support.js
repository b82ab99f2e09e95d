// @ts-check
/**
 * `<button open-type="contact">` and `<button open-type="feedback">`: the host draws the customer
 * service session and the feedback form (host/api/support.js), outside every frame. When the user
 * leaves the session, `bindcontact` gets `{errMsg, path, query}`: the page of the message card the
 * user tapped there, if any (the app decides where to go, as in WeChat).
 */
import { setOpenTypeHandler } from './builtins.js';
import { callHost } from './call.js';

/** The fail reason of a host call's rejection. @param {any} error */
function reason(error) {
  return String(error?.errMsg || error?.message || error).replace(/^[^:]*:fail ?/, '');
}

setOpenTypeHandler('contact', async ({ attrs }) => {
  try {
    const res = /** @type {any} */ (await callHost('hutongContact', {
      sessionFrom: String(attrs.sessionFrom ?? ''),
      sendMessageTitle: String(attrs.sendMessageTitle ?? ''),
      sendMessagePath: String(attrs.sendMessagePath ?? ''),
      sendMessageImg: String(attrs.sendMessageImg ?? ''),
      showMessageCard: attrs.showMessageCard === true,
    }));
    return { errMsg: 'enterContact:ok', path: String(res.path || ''), query: res.query && typeof res.query === 'object' ? res.query : {} };
  } catch (error) {
    return { errMsg: `enterContact:fail ${reason(error)}` };
  }
});

setOpenTypeHandler('feedback', async () => {
  try {
    await callHost('hutongFeedback', {});
    return { errMsg: 'feedback:ok' };
  } catch (error) {
    return { errMsg: `feedback:fail ${reason(error)}` };
  }
});
