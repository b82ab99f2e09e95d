"""The base library's static files under /_rt/, readable from the opaque-origin frames and worker."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from hutong.runtime import RUNTIME_DIR

# The page frame's own policy: scripts only from the platform and from blobs the runtime makes, no
# network for the page's code, and a sandbox even if someone loads the frame outside the host.
VIEW_FRAME_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src {origin} blob:; "
    "style-src {origin} 'unsafe-inline'; img-src * data: blob:; media-src * data: blob:; "
    "font-src * data:; connect-src 'none'; frame-src https:; base-uri 'none'"
)

# The logic thread's frame (logic/sandbox.html) and so the worker it starts from a data: URL, which
# inherits this policy: scripts only from the runtime's own files and the blobs the runtime makes (the
# verified bundles), no 'unsafe-eval' (eval, new Function and string timers throw, as in WeChat), no
# network of any kind, no nested frames; the host performs every request after checking its domain.
LOGIC_FRAME_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src {origin}/_rt/ blob:; worker-src data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)


class RuntimeFiles(StaticFiles):
    def __init__(self) -> None:
        super().__init__(directory=RUNTIME_DIR, check_dir=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.endswith(".py") or "__pycache__" in path:
            return Response(status_code=404)
        response = await super().get_response(path, scope)
        # The worker and the frames have opaque origins: module scripts reach them only with CORS.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cache-Control"] = "no-cache"
        policy = {"view/view.html": VIEW_FRAME_CSP, "logic/sandbox.html": LOGIC_FRAME_CSP}.get(path)
        if policy:
            host = dict(scope["headers"]).get(b"host", b"").decode()
            origin = f"{scope.get('scheme', 'http')}://{host}"
            response.headers["Content-Security-Policy"] = policy.format(origin=origin)
        return response
