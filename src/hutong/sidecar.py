"""Processes beside the platform (the sandbox bank, the examples' back ends): start one, wait until it
answers ``/health``, and stop it afterwards, the way `make demo` and the tests run them."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

START_SECONDS = 20.0


@contextmanager
def serving(
    command: list[str], url: str, what: str, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (our own program, fixed arguments) until the block ends; ``url`` is where it
    answers ``/health`` once ready, ``what`` names it in the error when it does not start."""
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our own programs only
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
