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
  // The logic thread's whole runtime is in this page as one script (a text block the server adds, see
  // server/delivery/runtime_bundle.py): a browser caches nothing for this opaque origin, so fetched
  // module by module that was ~70 requests on every open, where this page is one cached navigation. The
  // worker gets the script's text as its first message and runs it from a blob. Classic, not module: a
  // classic worker runs the app's bundles as sloppy-mode scripts through importScripts. A later message
  // brings the host's port; the runtime (worker.js) takes it.
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
  worker.postMessage(document.getElementById('hutong-bundle')?.textContent || '');
  worker.onerror = (event) => {
    parent.postMessage({ t: 'logic:error', message: String(event.message || 'the logic thread failed') }, '*');
  };
  /** @param {MessageEvent} event */
  const takePort = (event) => {
    if (event.source !== parent) return;
    // A host that started listening after this frame announced itself asks again (host/preboot.js).
    if (event.data?.t === 'logic:hello') parent.postMessage({ t: 'logic:sandbox' }, '*');
    // Only the host (this frame's parent) hands over a port, and only once.
    if (event.data?.t !== 'logic:port' || !event.ports[0]) return;
    window.removeEventListener('message', takePort);
    worker.postMessage(null, [event.ports[0]]);
  };
  window.addEventListener('message', takePort);
  parent.postMessage({ t: 'logic:sandbox' }, '*');
})();
