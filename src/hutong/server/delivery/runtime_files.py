"""The base library's files under /_rt/, readable from the opaque-origin frames and worker.

A pure-ASGI middleware in front of the whole app answers them from memory (runtime_assets.py):
``/_rt/<version>/…`` immutable for a year, ``/_rt/…`` revalidated each time. An open fetches dozens of
these, and the sandboxed frames fetch theirs again on every open (a browser caches nothing for an
opaque origin), so each one must cost next to nothing: no routing, no file system, no compression.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from hutong.server.delivery.runtime_assets import VERSION_LENGTH, Asset, RuntimeAssets

IMMUTABLE = "public, max-age=31536000, immutable"
PREFIX = "/_rt/"

# The page frame's own policy: scripts only from the platform, from blobs the runtime makes and the
# page's one inline script (the module pack's loader, by its hash), no network for the page's code, and
# a sandbox even if someone loads the frame outside the host.
VIEW_FRAME_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src {origin} blob: {inline}; "
    "style-src {origin} 'unsafe-inline'; img-src * data: blob:; media-src * data: blob:; "
    "font-src * data:; connect-src 'none'; frame-src https:; base-uri 'none'"
)

# The logic thread's frame (logic/sandbox.html) and so the worker it starts from a data: URL, which
# inherits this policy: scripts only from the runtime's own files, the blobs the runtime makes (its
# modules and the verified bundles) and the page's one inline script (sandbox.js, by its hash), no
# 'unsafe-eval' (eval, new Function and string timers throw, as in WeChat), no network of any kind, no
# nested frames; the host performs every request after checking its domain.
LOGIC_FRAME_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src {origin}/_rt/ blob: {inline}; worker-src data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)
FRAME_POLICIES = {"view/view.html": VIEW_FRAME_CSP, "logic/sandbox.html": LOGIC_FRAME_CSP}


def _looks_like_version(segment: str) -> bool:
    return len(segment) == VERSION_LENGTH and all(c in "0123456789abcdef" for c in segment)


class RuntimeFilesMiddleware:
    """Answers GET and HEAD under /_rt/ from memory; everything else goes on to the app."""

    def __init__(self, app: ASGIApp, assets: RuntimeAssets) -> None:
        self.app = app
        self.assets = assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        rest = path[len(PREFIX) :]
        immutable = False
        head, _, tail = rest.partition("/")
        if _looks_like_version(head):
            if head != self.assets.version:
                # Another release's files: not these. A page that old reloads to the current shell.
                await self._plain(send, 404, b"not this runtime version")
                return
            rest, immutable = tail, True
        asset = self.assets.files.get(rest)
        if asset is None or scope["method"] not in ("GET", "HEAD"):
            await self._plain(send, 404 if asset is None else 405, b"not found")
            return
        await self._send(scope, send, asset, immutable)

    async def _send(self, scope: Scope, send: Send, asset: Asset, immutable: bool) -> None:
        request = Headers(scope=scope)
        headers = [
            (b"access-control-allow-origin", b"*"),  # the frames and the worker have opaque origins
            (b"cache-control", (IMMUTABLE if immutable else "no-cache").encode()),
            (b"etag", asset.etag.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"vary", b"Accept-Encoding"),
        ]
        policy = FRAME_POLICIES.get(asset.path)
        if policy:
            origin = f"{scope.get('scheme', 'http')}://{request.get('host', '')}"
            inline = self.assets.inline_scripts.get(asset.path, "")
            headers.append((b"content-security-policy", policy.format(origin=origin, inline=inline).encode()))
        if request.get("if-none-match") == asset.etag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = asset.body
        if asset.gzipped is not None and "gzip" in request.get("accept-encoding", ""):
            body = asset.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers += [
            (b"content-type", asset.media_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    @staticmethod
    async def _plain(send: Send, status: int, text: bytes) -> None:
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(text)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text})
