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
  // The server lists the logic thread's whole module graph, dependencies first (runtime_assets.py). One
  // module importing them all in that order fetches every one at once and evaluates them in the order
  // worker.js's own imports would; a browser caches nothing for this opaque origin, so each open
  // fetches them again, and a waterfall of imports would cost a round trip per level.
  const listed = document.querySelector('meta[name="hutong-modules"]')?.getAttribute('content') || 'logic/worker.js';
  const modules = listed.split(/\s+/).filter(Boolean).map((path) => new URL(path, runtimeBase).href);
  // Classic, not module: a classic worker runs the app's bundles as sloppy-mode scripts through
  // importScripts. The first message brings the host's port; the runtime (worker.js) takes it.
  const boot = [
    'self.__hutongHost = new Promise((resolve) => {',
    "  self.addEventListener('message', (event) => resolve(event.ports[0]), { once: true });",
    '});',
    `const graph = ${JSON.stringify(modules.map((url) => `import ${JSON.stringify(url)};`).join('\n'))};`,
    "import(URL.createObjectURL(new Blob([graph], { type: 'text/javascript' })));",
  ].join('\n');
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(boot)}`, { name: 'logic' });
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
