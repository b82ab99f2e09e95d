"""The sandbox bank as the tests run it (its own process) and a loopback receiver for its callbacks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hutong.server.embedded import free_port
from hutong.server.funding.sandbox_bank import RunningBank, run_bank

# The slow card answers after this long; clients in the tests give up after CLIENT_TIMEOUT, and the
# platform sends an unanswered request once more (funding/service.py), so a top-up with it returns
# after about two CLIENT_TIMEOUTs: well before this, even on a loaded machine.
SLOW_SECONDS = 3.0
CLIENT_TIMEOUT = 0.5


@contextmanager
def bank_process() -> Iterator[RunningBank]:
    with run_bank(free_port(), decide_after=0.05, slow_seconds=SLOW_SECONDS) as bank:
        yield bank


@dataclass
class Receiver:
    """Records every callback (headers and raw body); answers 500 to the first ``fail_first``."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail_first: int = 0
    arrived: threading.Condition = field(default_factory=threading.Condition)


@contextmanager
def receiver() -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(f"http://127.0.0.1:{port}/callback")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with state.arrived:
                state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = state.fail_first > 0
                state.fail_first -= 1 if failing else 0
                state.arrived.notify_all()
            self.send_response(500 if failing else 200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def wait_for(state: Receiver, count: int, seconds: float = 10.0) -> list[tuple[dict[str, str], bytes]]:
    with state.arrived:
        state.arrived.wait_for(lambda: len(state.received) >= count, seconds)
        assert len(state.received) >= count, f"{len(state.received)} callbacks, expected {count}"
        return list(state.received)
