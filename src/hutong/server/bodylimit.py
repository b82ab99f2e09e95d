"""Refuse request bodies larger than the biggest upload before anything parses or spools them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hutong.server.problems import problem_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            response = problem_response(413, "too_large", f"the request body is over {self.max_bytes} bytes")
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                # A chunked body that lies about nothing but still grows too big: stop reading it.
                raise ValueError("request body too large")
            return message

        await self.app(scope, counted, send)
