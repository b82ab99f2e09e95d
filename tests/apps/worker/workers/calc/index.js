// The worker thread: answers each message with a sum, and what the thread may and may not do.
const util = require('./util');

function attempt(run) {
  try {
    const value = run();
    return value && typeof value.then === 'function' ? 'promise' : `ok:${typeof value}`;
  } catch (error) {
    return `refused:${error.name}`;
  }
}

worker.onMessage(function (message) {
  if (message.kind === 'sum') {
    worker.postMessage({ kind: 'sum', value: util.sum(message.numbers) });
    return;
  }
  if (message.kind === 'probe') {
    worker.postMessage({
      kind: 'probe',
      wx: typeof wx,
      fetch: typeof fetch,
      xhr: typeof XMLHttpRequest,
      socket: typeof WebSocket,
      importScripts: typeof importScripts,
      nested: typeof Worker,
      eval: attempt(() => eval('1 + 1')),
      fn: attempt(() => new Function('a', 'return a')),
      global: attempt(() => Function('return this')()),
      outside: attempt(() => require('../../app.js')),
    });
  }
});
worker.postMessage({ kind: 'ready' });
