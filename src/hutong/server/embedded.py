"""Run the platform in this process on a loopback port: for `hutong check`, `hutong dev` and the tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from hutong.server.app import create_app
from hutong.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def embedded_server(
    settings: Settings, start_within: float = 20.0, prepare: Callable[[FastAPI], None] | None = None
) -> AsyncIterator[str]:
    """Serve the platform with ``settings`` in a background thread; yields its base URL. ``prepare``
    may add routes to the app before it serves (`hutong check --allow-any-domain`)."""
    port = free_port()
    # Links and codes the platform makes must point at where it really listens.
    settings = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    platform = create_app(settings)
    if prepare is not None:
        prepare(platform)
    config = uvicorn.Config(platform, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="hutong-embedded-server")
    thread.start()
    deadline = time.monotonic() + start_within
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the embedded platform server did not start")
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
