// @ts-check
/**
 * The logic thread's channels: messages to and from the host page, and one direct MessagePort per
 * page frame that the host brokered (render operations out, input events in).
 */

/** @typedef {{t: string, [key: string]: any}} Message */

/** @type {Map<string, (message: Message) => void>} */
const handlers = new Map();
/** @type {Map<number, MessagePort>} */
const framePorts = new Map();
/** @type {Map<number, Message[]>} messages for a frame whose port has not arrived yet */
const waitingForPort = new Map();
/** @type {Set<number>} pages that are gone: what is still sent to them is dropped */
const closed = new Set();

/** @type {MessagePort | null} the host's channel: the only way to the host (the frame that started this worker hears nothing) */
let hostPort = null;
/** @type {Message[]} what was said before the host's port arrived */
const beforePort = [];

/** @param {Message} message */
export function send(message) {
  if (hostPort) hostPort.postMessage(message);
  else beforePort.push(message);
}

/** The host's end of the logic channel arrived: listen to it, and say what waited. @param {MessagePort} port */
export function setHostPort(port) {
  hostPort = port;
  port.onmessage = (event) => {
    if (event.data?.t === 'page:port' && event.ports[0]) attachFramePort(event.data.id, event.ports[0]);
    else dispatch(event.data);
  };
  for (const message of beforePort.splice(0)) port.postMessage(message);
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

/** The frame's own names for what it sends, and the handlers they go to. */
const FROM_FRAME = /** @type {Record<string, string>} */ ({
  rendered: 'page:rendered',
  event: 'event',
  'page:event': 'page:event',
  'query:result': 'query:result',
  intersection: 'intersection',
  builtin: 'builtin',
  'component:answer': 'component:answer',
  'animate:done': 'animate:done',
  'font:done': 'font:done',
  keyboard: 'keyboard',
  key: 'key',
});

/**
 * The host handed over page `id`'s frame port: everything the frame says on it is about that page.
 * @param {number} id @param {MessagePort} port
 */
export function attachFramePort(id, port) {
  framePorts.set(id, port);
  port.onmessage = (event) => {
    const message = event.data;
    const type = FROM_FRAME[message?.t];
    if (type) dispatch({ ...message, t: type, id });
  };
  for (const message of waitingForPort.get(id) || []) port.postMessage(message);
  waitingForPort.delete(id);
}

/** @param {number} id */
export function detachFramePort(id) {
  closed.add(id);
  framePorts.get(id)?.close();
  framePorts.delete(id);
  waitingForPort.delete(id);
}

/**
 * Send page `id`'s frame a message, in order, straight down its port.
 * @param {number} id @param {Message} message @param {Transferable[]} [transfer] moved, not copied (canvas frames)
 */
export function toView(id, message, transfer) {
  if (closed.has(id)) return;
  const port = framePorts.get(id);
  if (port) port.postMessage(message, transfer || []);
  else {
    const queue = waitingForPort.get(id) || [];
    queue.push(message);
    waitingForPort.set(id, queue);
  }
}
