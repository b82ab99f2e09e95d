"""A developer's server on loopback for delivery tests: answers each POST as scripted (a status, or
"stall": hold the request until released), and records what it got."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    url: str
    script: list[int | str]  # what to answer the 1st, 2nd, … request; the last entry repeats
    bodies: list[bytes] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def receiver(*script: int | str, path: str = "/notify") -> Iterator[Receiver]:
    box = Receiver("", list(script) or [200])
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with lock:
                index = len(box.bodies)
                box.bodies.append(body)
                box.queries.append(self.path)
            box.arrived.set()
            action = box.script[min(index, len(box.script) - 1)]
            if action == "stall":
                box.release.wait(30)
                action = 200
            answer = (
                b"" if action == 204 else b'{"code":"FAIL","message":"not now"}' if action != 200 else b"ok"
            )
            self.send_response(int(action))
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield box
    finally:
        box.release.set()
        server.shutdown()
        server.server_close()
