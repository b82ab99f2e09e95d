// @ts-check
/**
 * The logic thread's nursery: a hidden frame, sandboxed (opaque origin) and served with its own strict
 * policy (server/delivery/runtime_files.py), that starts the app's logic Worker. A worker started from
 * a data: URL inherits its creator's policy, so the app's code runs with no network (connect-src
 * 'none'), no code from strings (no 'unsafe-eval') and scripts only from the runtime and its own blobs,
 * whatever the host page allows. The host hands this frame one end of a MessageChannel, which goes on
 * to the worker: from then on host and worker talk directly, and this frame takes no part.
 */
(() => {
  const runtimeBase = new URL('../', location.href).href;
  // The logic thread's whole runtime is one script the host hands over (shell/feed.js): a browser
  // caches nothing for this opaque origin, while the host has the file cached. The worker gets its bytes
  // as its first message and runs them from a blob. Classic, not module: a classic worker runs the app's
  // bundles as sloppy-mode scripts through importScripts. A later message brings the host's port; the
  // runtime (worker.js) takes it.
  const boot = [
    'self.__hutongHost = new Promise((resolve) => {',
    '  const take = (event) => {',
    '    if (!event.ports[0]) return;',
    "    self.removeEventListener('message', take);",
    '    resolve(event.ports[0]);',
    '  };',
    "  self.addEventListener('message', take);",
    '});',
    "self.addEventListener('message', (event) => {",
    `  self.__hutongRuntimeBase = ${JSON.stringify(runtimeBase)};`,
    "  const url = URL.createObjectURL(new Blob([event.data], { type: 'text/javascript' }));",
    '  importScripts(url);',
    '  URL.revokeObjectURL(url);',
    '}, { once: true });',
  ].join('\n');
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(boot)}`, { name: 'logic' });
  worker.onerror = (event) => {
    parent.postMessage({ t: 'logic:error', message: String(event.message || 'the logic thread failed') }, '*');
  };
  // Two things come from the host (this frame's parent), each once: the runtime's bytes and the port.
  // The worker gets them in that order, whichever arrives first.
  let runtimeGiven = false;
  /** @type {MessagePort | null} */
  let port = null;
  /** @param {MessageEvent} event */
  const fromHost = (event) => {
    if (event.source !== parent) return;
    const kind = event.data?.t;
    if (kind === 'runtime' && !runtimeGiven) {
      runtimeGiven = true;
      if (event.data.code instanceof ArrayBuffer) worker.postMessage(event.data.code, [event.data.code]);
      else parent.postMessage({ t: 'logic:error', message: `no runtime: ${event.data.error || 'none was sent'}` }, '*');
    }
    // A host that started listening after this frame announced itself asks again (host/preboot.js).
    if (kind === 'logic:hello') parent.postMessage({ t: 'logic:sandbox' }, '*');
    if (kind === 'logic:port' && event.ports[0]) port ??= event.ports[0];
    if (runtimeGiven && port) {
      worker.postMessage(null, [port]);
      port = null;
      window.removeEventListener('message', fromHost);
    }
  };
  window.addEventListener('message', fromHost);
  parent.postMessage({ t: 'runtime:need', which: 'logic' }, '*');
  parent.postMessage({ t: 'logic:sandbox' }, '*');
})();
