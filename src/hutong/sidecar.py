"""Processes beside the platform (the sandbox bank, the examples' back ends): start one, wait until it
answers ``/health``, and stop it afterwards, the way `make demo` and the tests run them.

A sidecar must not outlive its parent: the ``finally`` below stops it when the parent unwinds, and on
Linux the kernel sends it SIGTERM when the parent dies without unwinding (SIGKILL, a crash), through
``prctl(PR_SET_PDEATHSIG)`` set between fork and exec."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

START_SECONDS = 20.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that asks the kernel to SIGTERM the child when this process dies (Linux only;
    elsewhere None). libc is looked up here, in the parent: the child runs only the prctl call."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        # The parent may have died between fork and prctl: then no signal would ever come.
        if os.getppid() != parent:
            os._exit(1)

    return arm


@contextmanager
def serving(
    command: list[str], url: str, what: str, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (our own program, fixed arguments) until the block ends; ``url`` is where it
    answers ``/health`` once ready, ``what`` names it in the error when it does not start."""
    # Another process on the port would answer /health for ours, which then fails to bind and exits.
    if _answering(url):
        raise RuntimeError(f"{what} cannot start: another process already listens at {url}")
    # The death signal follows the thread that forks: sidecars are started from the main thread,
    # which lives as long as the process.
    process = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent())  # noqa: S603
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _answering(url: str) -> bool:
    """Whether something accepts connections at ``url``'s host and port."""
    parts = urlsplit(url)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((parts.hostname or "127.0.0.1", parts.port or 80)) == 0
