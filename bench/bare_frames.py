"""The floor under an open: Hutong's frame model with no runtime in it.

A host page with the two sandboxed frames an open needs (the logic sandbox, which starts a worker from a
data: URL, and a page frame), a MessageChannel from the host to both, the worker's one render message
drawn by the page frame, which then tells the host, as view/frame.js does after its first render. No
runtime, no app, no checks: what the browser alone costs for three documents, a worker and a sandboxed
renderer. bench/runtime.py opens it beside Hutong (cold and warm, the same way) so that each open target
can be read against what this model cannot go below on the machine of the day.

Served from a thread on loopback with the cache headers of the runtime's immutable files.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = """<!doctype html><html><head><meta charset="utf-8"><title>bare frames</title></head><body>
<iframe id="logic" sandbox="allow-scripts" hidden src="/logic.html"></iframe>
<iframe id="view" sandbox="allow-scripts" src="/view.html" style="border:0;width:100%;height:600px"></iframe>
<script>
window.__hutongLog = [];
const channel = new MessageChannel();
const logic = document.getElementById('logic'), view = document.getElementById('view');
const up = new Set();
addEventListener('message', (event) => {
  const kind = event.data && event.data.t;
  if (kind === 'up') {
    up.add(event.source);
    if (up.size === 2) {
      logic.contentWindow.postMessage({ t: 'port' }, '*', [channel.port1]);
      view.contentWindow.postMessage({ t: 'port' }, '*', [channel.port2]);
    }
  }
  if (kind === 'firstcontent') window.__hutongLog.push({ kind: 'firstcontent', ms: performance.now() });
});
</script></body></html>"""

LOGIC = """<!doctype html><meta charset="utf-8"><script>
const boot = "self.onmessage = (e) => e.ports[0].postMessage([['p', 'count', '0'], ['button', '', '+1']]);";
const worker = new Worker('data:text/javascript,' + encodeURIComponent(boot));
addEventListener('message', (event) => {
  if (event.data && event.data.t === 'port') worker.postMessage(null, [event.ports[0]]);
});
parent.postMessage({ t: 'up' }, '*');
</script>"""

VIEW = """<!doctype html><meta charset="utf-8"><body><script>
addEventListener('message', (event) => {
  if (!event.data || event.data.t !== 'port') return;
  event.ports[0].onmessage = (message) => {
    for (const [tag, id, text] of message.data) {
      const node = document.body.appendChild(document.createElement(tag));
      if (id) node.id = id;
      node.textContent = text;
    }
    parent.postMessage({ t: 'firstcontent' }, '*');
  };
});
parent.postMessage({ t: 'up' }, '*');
</script></body>"""

PAGES = {"/": HOST, "/logic.html": LOGIC, "/view.html": VIEW}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = PAGES.get(self.path)
        if page is None:
            self.send_error(404)
            return
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def bare_frames_server() -> Iterator[str]:
    """The bare-frames host page's address while the server runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
