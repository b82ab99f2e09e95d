"""A real HTTP and WebSocket server on loopback for the network API tests (the mini program's backend)."""

from __future__ import annotations

import asyncio
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from hutong.server.embedded import free_port


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Backend:
    """Counts how many slow requests run at once (WeChat allows 10)."""

    def __init__(self) -> None:
        self.running = 0
        self.max_running = 0

    async def echo(self, request: Request) -> Response:
        body = (await request.body()).decode()
        return JSONResponse(
            {
                "method": request.method,
                "query": str(request.url.query),
                "body": body,
                "contentType": request.headers.get("content-type", ""),
                "test": request.headers.get("x-test", ""),
            }
        )

    async def slow(self, request: Request) -> Response:
        counted = "count" in request.query_params
        if counted:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            await asyncio.sleep(int(request.query_params.get("ms", "100")) / 1000)
        finally:
            if counted:
                self.running -= 1
        return PlainTextResponse("slow")

    async def stats(self, request: Request) -> Response:
        return JSONResponse({"max": self.max_running})

    async def upload(self, request: Request) -> Response:
        form = await request.form()
        photo: Any = form["photo"]
        return JSONResponse(
            {"note": form["note"], "size": len(await photo.read()), "filename": photo.filename}
        )

    async def socket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                await websocket.send_text(await websocket.receive_text())
        except Exception:
            return

    def app(self) -> Starlette:
        image = png(3, 2)
        routes = [
            Route("/echo", self.echo, methods=["GET", "POST"]),
            Route("/text", lambda r: PlainTextResponse("not json{")),
            Route("/bytes", lambda r: Response(b"\x01\x02\x03", media_type="application/octet-stream")),
            Route("/slow", self.slow),
            Route("/stats", self.stats),
            Route("/file.png", lambda r: Response(image, media_type="image/png")),
            Route("/upload", self.upload, methods=["POST"]),
            WebSocketRoute("/ws", self.socket),
        ]
        # The host page (another loopback origin) makes the calls, so the backend must allow CORS.
        cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
        return Starlette(routes=routes, middleware=[cors])


@contextmanager
def backend(ports: int = 1) -> Iterator[tuple[list[str], Backend]]:
    """The backend on ``ports`` loopback ports sharing one state: a browser opens at most 6
    connections per origin, so counting the host's 10-request limit needs more than one origin."""
    state = Backend()
    app = state.app()
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    urls = []
    for _ in range(ports):
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 10
    while not all(server.started for server, _ in servers) and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield urls, state
    finally:
        for server, _ in servers:
            server.should_exit = True
        for _, thread in servers:
            thread.join(10)
