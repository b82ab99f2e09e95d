// @ts-check
/**
 * The sandboxed frames' runtimes, handed to them by the host. This script is inlined at the top of the
 * shell page (server/delivery/runtime_assets.py, allowed by its hash), so it listens before the first
 * frame exists. A frame with an opaque origin gets nothing from the browser's HTTP cache: its runtime,
 * fetched or carried in its page, cost a download or a parse on the frame's own thread on every open.
 * The host is an ordinary origin with the files cached; each frame asks once as it starts
 * (view/boot.js, logic/sandbox.js) and gets a copy of the bytes: the page frame runs them as an inline
 * script its policy allows by hash, the logic worker from a blob.
 */
(() => {
  // The runtime's versioned root, from the shell bundle's preload just before this script.
  const preload = /** @type {HTMLLinkElement} */ (document.getElementById('hutong-shell-bundle'));
  const BASE = new URL('../', preload.href).href;
  /** @type {Record<string, Promise<ArrayBuffer> | undefined>} */
  const loading = {};
  /** @param {string} which */
  const load = (which) => {
    const pending = (loading[which] ??= fetch(`${BASE}${which}/bundle.js`).then((response) => {
      if (!response.ok) throw new Error(`the ${which} runtime did not load (HTTP ${response.status})`);
      return response.arrayBuffer();
    }));
    // A failure is not kept: the next frame to ask tries again.
    pending.catch(() => {
      if (loading[which] === pending) loading[which] = undefined;
    });
    return pending;
  };
  load('view');
  load('logic');
  addEventListener('message', async (event) => {
    const which = event.data?.t === 'runtime:need' ? event.data.which : null;
    if (which !== 'view' && which !== 'logic') return;
    // Only this page's own frames ask; the answer is public code, but there is no reason to hand it out.
    const frame = [...document.querySelectorAll('iframe')].find((each) => each.contentWindow === event.source);
    const target = frame?.contentWindow;
    if (!target) return;
    try {
      const code = (await load(which)).slice(0);
      target.postMessage({ t: 'runtime', code }, '*', [code]);
    } catch (error) {
      target.postMessage({ t: 'runtime', code: null, error: String(error instanceof Error ? error.message : error) }, '*');
    }
  });
})();
