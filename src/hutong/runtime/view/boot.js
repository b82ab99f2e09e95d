// @ts-check
/**
 * The page frame's first script (inlined in view/view.html, allowed by its hash): it asks the host for
 * the frame's runtime (one script, handed over by shell/feed.js) and runs it as an inline script, which
 * this page's policy allows by that exact text's hash. The frame's opaque origin gets nothing from the
 * browser's cache, so the host, which has the file cached, hands over the bytes; carried in this page,
 * the same text was decoded, scanned and tokenized on every boot, and run from a blob it waited on the
 * browser to register the blob. Only the parent answers, once.
 */
(() => {
  /** @param {MessageEvent} event */
  const take = (event) => {
    if (event.source !== parent || event.data?.t !== 'runtime') return;
    removeEventListener('message', take);
    if (!(event.data.code instanceof ArrayBuffer)) {
      console.error(`hutong: no runtime for this page frame: ${event.data.error || 'none was sent'}`);
      return;
    }
    const script = document.createElement('script');
    script.textContent = new TextDecoder().decode(event.data.code);
    document.head.append(script);
  };
  addEventListener('message', take);
  parent.postMessage({ t: 'runtime:need', which: 'view' }, '*');
})();
