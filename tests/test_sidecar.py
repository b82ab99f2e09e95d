"""Sidecars (the sandbox bank, the examples' back ends) refuse to start on a port another process holds:
that process would answer their health check, and the platform would be told a wrong address works."""

from __future__ import annotations

import socket
import sys

import pytest

from hutong import sidecar
from hutong.server.embedded import free_port


def test_a_port_another_process_holds_is_named_not_announced() -> None:
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        command = [sys.executable, "-c", "import time; time.sleep(30)"]
        refused = pytest.raises(RuntimeError, match=f"already listens at http://127.0.0.1:{port}")
        with refused, sidecar.serving(command, f"http://127.0.0.1:{port}", "the test's sidecar"):
            pass  # pragma: no cover (it must not start)
