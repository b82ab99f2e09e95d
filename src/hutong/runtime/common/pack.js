// @ts-check
/**
 * The loader of a module pack: a sandboxed frame's (or the logic worker's) whole runtime module graph,
 * carried inside the frame's own page. A browser caches nothing for an opaque origin, so module by
 * module each frame paid ~25 requests (the logic thread ~60) on every boot; the page itself is an
 * ordinary navigation, cached (immutable under /_rt/<version>/) and so free on every open after the first.
 *
 * The server (server/delivery/runtime_assets.py) puts the pack in the page as a JSON data block
 * (a script element of type application/json, id hutong-pack, never executed) and this file inline after it,
 * allowed by its hash in the frame's policy. The worker gets the pack from its frame by message. A pack
 * is `{entry, modules}`; each module a list of parts: source text at even places and, at odd places,
 * the runtime path of a module it imports, where its quoted specifier stood. The modules come
 * dependencies first, so each one's imports already have a blob URL when it is made; an import of a
 * module outside the pack (the region list, loaded only when a region picker opens) gets the module's
 * address under the runtime. Nothing is evaluated but the ES modules themselves, in the order the
 * entry's own imports give, and the blobs are this context's own (its policy allows `blob:`).
 */
(() => {
  const scope = /** @type {any} */ (globalThis);
  /** @type {{entry: string, modules: [string, string[]][]}} */
  const pack = scope.__hutongPack || JSON.parse(document.getElementById('hutong-pack')?.textContent || '');
  delete scope.__hutongPack;
  // A frame finds the runtime from its own address; the worker (a data: URL) is told it.
  const base = scope.__hutongRuntimeBase || new URL('../', location.href).href;
  delete scope.__hutongRuntimeBase;
  /** @type {Record<string, string>} */
  const urls = {};
  for (const [path, parts] of pack.modules) {
    const text = parts.map((part, index) => (index % 2 ? JSON.stringify(urls[part] || new URL(part, base).href) : part));
    // Stack traces and the developer tools name the runtime file, not the blob.
    text.push(`\n//# sourceURL=${new URL(path, base).href}\n`);
    urls[path] = URL.createObjectURL(new Blob(text, { type: 'text/javascript' }));
  }
  // The live modules' addresses by runtime path. Before packs, a module's address was its URL under the
  // runtime, which anything in this context could import; this keeps that (a test playing a compromised
  // worker reaches the runtime's own instances through it) and widens nothing.
  Object.defineProperty(scope, Symbol.for('hutong.modules'), { value: Object.freeze({ ...urls }) });
  import(urls[pack.entry]);
})();
