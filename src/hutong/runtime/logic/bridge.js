// @ts-check
/** The logic thread's only channel: messages to and from the host page. */

/** @typedef {{t: string, [key: string]: any}} Message */

/** @type {Map<string, (message: Message) => void>} */
const handlers = new Map();

/** @param {Message} message */
export function send(message) {
  /** @type {any} */ (globalThis).postMessage(message);
}

/** @param {string} type @param {(message: Message) => void} handler */
export function on(type, handler) {
  handlers.set(type, handler);
}

/** @param {Message} message */
export function dispatch(message) {
  const handler = handlers.get(message.t);
  if (handler) handler(message);
}
