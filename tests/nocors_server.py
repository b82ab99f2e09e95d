"""A mini program's back end that sends no CORS headers (unless asked to), on a loopback address of the
test's choosing: what the egress proxy exists for. It records what it received, so tests see what was
forwarded, and that a refused attempt never arrived."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from hutong.server.embedded import free_port


class Received:
    """Every request the back end saw, in order: a refused attempt must leave no trace here."""

    def __init__(self) -> None:
        self.paths: list[str] = []


def _app(received: Received, cors: bool) -> Starlette:
    async def echo(request: Request) -> Response:
        received.paths.append(request.url.path)
        return JSONResponse(
            {
                "method": request.method,
                "query": request.url.query,
                "body": (await request.body()).decode(errors="replace"),
                "headers": {k: v for k, v in request.headers.items()},
            }
        )

    async def redirect(request: Request) -> Response:
        received.paths.append(request.url.path)
        status = int(request.query_params.get("status", "302"))
        return RedirectResponse(request.query_params["to"], status_code=status)

    async def big(request: Request) -> Response:
        received.paths.append(request.url.path)
        return Response(b"x" * int(request.query_params["n"]), media_type="application/octet-stream")

    async def slow(request: Request) -> Response:
        received.paths.append(request.url.path)
        await asyncio.sleep(int(request.query_params.get("ms", "3000")) / 1000)
        return PlainTextResponse("slow")

    async def cookie(request: Request) -> Response:
        received.paths.append(request.url.path)
        response = PlainTextResponse("cookie")
        response.set_cookie("backend", "1")
        return response

    async def upload(request: Request) -> Response:
        received.paths.append(request.url.path)
        form = await request.form()
        photo = form["photo"]
        size = len(await photo.read()) if not isinstance(photo, str) else -1
        return JSONResponse({"note": form.get("note"), "size": size})

    async def socket(websocket: WebSocket) -> None:
        received.paths.append(websocket.url.path)
        await websocket.accept()
        await websocket.close()

    routes = [
        Route("/echo", echo, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
        Route("/redirect", redirect, methods=["GET", "POST"]),
        Route("/big", big),
        Route("/slow", slow),
        Route("/cookie", cookie),
        Route("/upload", upload, methods=["POST"]),
        WebSocketRoute("/ws", socket),
    ]
    if not cors:
        return Starlette(routes=routes)
    allow = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    return Starlette(routes=routes, middleware=[allow])


@contextmanager
def nocors_backend(host: str = "127.0.0.1", cors: bool = False) -> Iterator[tuple[str, Received]]:
    """The back end on a free port of ``host``; yields its origin and what it received. With ``cors``
    it allows every origin (a server a browser could reach directly)."""
    received = Received()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_app(received, cors), host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}", received
    finally:
        server.should_exit = True
        thread.join(10)
