// @ts-check
/**
 * Network: the host performs every call (this thread has no fetch, XMLHttpRequest or WebSocket; see
 * worker.js), checks the app's allowed domains and limits concurrency (host/api/network.js).
 */
import { callHost } from '../call.js';
import { addTempFile, bytesOf } from './file.js';
import { answer } from './shape.js';
import { newTask } from './tasks.js';

/**
 * Run a host operation as a task: callbacks get the answer, the task object the progress.
 * @param {string} name @param {Record<string, any>} options @param {string[]} types
 * @param {(res: any) => any} [decorate] adjusts a successful result
 * @param {boolean} [lasting] the task outlives its call's answer (a socket: until it closes)
 */
function startTask(name, options, types, decorate, lasting = false) {
  const { success, fail, complete, ...args } = options && typeof options === 'object' ? options : {};
  const task = newTask(types);
  callHost(name, {
    ...args,
    task: task.id,
    success,
    fail,
    complete: (/** @type {any} */ res) => {
      if (!lasting || !/:ok$/.test(res?.errMsg)) task.done();
      if (typeof complete === 'function') complete(res);
    },
  }, decorate);
  return task;
}

/** A downloaded file joins the app's file system. @param {any} res */
function adoptDownload(res) {
  const { fileBytes, ...rest } = res;
  if (fileBytes) addTempFile(rest.tempFilePath, fileBytes);
  return rest;
}

/** @param {ReturnType<typeof startTask>} task @param {string} type */
const onOff = (task, type) => [task.events[type].on, task.events[type].off];

/** @param {any} options */
function request(options) {
  const task = startTask('request', options, ['headersReceived', 'chunkReceived']);
  const [onHeadersReceived, offHeadersReceived] = onOff(task, 'headersReceived');
  const [onChunkReceived, offChunkReceived] = onOff(task, 'chunkReceived');
  return { abort: () => void callHost('hutongAbort', { task: task.id })?.catch(() => {}), onHeadersReceived, offHeadersReceived, onChunkReceived, offChunkReceived };
}

/** @param {string} name @param {any} options */
function transfer(name, options) {
  const filePath = options?.filePath;
  // The host cannot read this thread's file system: an upload takes the file's bytes along.
  const args = name === 'uploadFile' && options && bytesOf(filePath) ? { ...options, fileBytes: bytesOf(filePath) } : options;
  const task = startTask(name, args, ['progressUpdate', 'headersReceived'], name === 'downloadFile' ? adoptDownload : undefined);
  const [onProgressUpdate, offProgressUpdate] = onOff(task, 'progressUpdate');
  const [onHeadersReceived, offHeadersReceived] = onOff(task, 'headersReceived');
  return { abort: () => void callHost('hutongAbort', { task: task.id })?.catch(() => {}), onProgressUpdate, offProgressUpdate, onHeadersReceived, offHeadersReceived };
}

/** The socket the legacy global API (wx.onSocketOpen, wx.sendSocketMessage…) speaks to. */
let legacy = /** @type {any} */ (null);
/** Legacy handlers, attached to every socket opened with connectSocket while no task is used. */
const legacyHandlers = /** @type {Record<string, Function | null>} */ ({ open: null, message: null, error: null, close: null });

/** @param {any} options */
function connectSocket(options) {
  const task = startTask('connectSocket', options, ['open', 'message', 'error', 'close'], undefined, true);
  /** @type {any} */
  const socket = {
    readyState: 0,
    CONNECTING: 0,
    OPEN: 1,
    CLOSING: 2,
    CLOSED: 3,
    /** @param {any} opts */
    send: (opts) => callHost('sendSocketMessage', { ...(opts || {}), task: task.id }),
    /** @param {any} opts */
    close: (opts) => callHost('closeSocket', { ...(opts || {}), task: task.id }),
    onOpen: task.events.open.on,
    onMessage: task.events.message.on,
    onError: task.events.error.on,
    onClose: task.events.close.on,
  };
  task.events.open.on(() => (socket.readyState = 1));
  task.events.close.on(() => {
    socket.readyState = 3;
    task.done();
  });
  for (const type of ['open', 'message', 'error', 'close']) {
    task.events[type].on((/** @type {any} */ res) => legacy === socket && legacyHandlers[type]?.(res));
  }
  legacy = socket;
  return socket;
}

/** @param {'open' | 'message' | 'error' | 'close'} type */
const legacyOn = (type) => (/** @type {Function} */ fn) => {
  legacyHandlers[type] = typeof fn === 'function' ? fn : null;
};

export const network = {
  request,
  /** @param {any} options */
  downloadFile: (options) => transfer('downloadFile', options),
  /** @param {any} options */
  uploadFile: (options) => transfer('uploadFile', options),
  connectSocket,
  onSocketOpen: legacyOn('open'),
  onSocketMessage: legacyOn('message'),
  onSocketError: legacyOn('error'),
  onSocketClose: legacyOn('close'),
  /** @param {any} options */
  sendSocketMessage: (options) => (legacy ? legacy.send(options) : answer('sendSocketMessage', options, () => { throw new Error('WebSocket is not connected'); })),
  /** @param {any} options */
  closeSocket: (options) => (legacy ? legacy.close(options) : answer('closeSocket', options, () => { throw new Error('WebSocket is not connected'); })),
};
