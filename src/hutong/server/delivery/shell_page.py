"""The host page of a ``/?open=<appid>`` address with that launch inside it.

The shell opens such an address at once; its first request was the launch manifest, made only once
the shell's ~50 modules had loaded and run. The server knows that launch when the page is asked for, so
the page carries it: the manifest's exact bytes and their ``Hutong-Signature`` in a JSON data block
(never executed: the page's policy is unchanged), and ``<link rel="preload">`` for its three bundles,
which then download while the shell's modules load. The host checks the inline manifest exactly as a
fetched one (runtime/host/integrity.js: the platform's signature, the appid, the expiry, then every
bundle's SHA-256) and uses it only for the launch it names; it is counted once, here, as the launch
route would have (delivery/routes.py ``signed_launch``).

The page is streamed: everything up to the end of ``<main>`` (the module preloads, the style sheets,
the frames booted before the tap) leaves at once, the launch follows when the database has answered.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from hutong.server.accounts.auth import DEVICE_COOKIE
from hutong.server.delivery.routes import DEVICE_MAX_AGE, signed_launch
from hutong.server.deps import settings

log = logging.getLogger(__name__)

# WeChat's scenes the shell gives a `/?open=` launch without one (shell/shell.js `open`).
SCENE_RECENT = 1001
SCENE_TRIAL = 1017
CHANNELS = {"release", "trial", "develop", "review"}
# The network type the runtime would report (host/api/device.js), from the ECT client hint.
NETWORKS = {"slow-2g": "2g", "2g": "2g", "3g": "3g", "4g": "4g"}
SPLIT = "</main>"
HOME = '<section id="home" class="home">'
RUNNING = '<section id="running" class="running">'
KEYS_PRELOAD = (
    '<link rel="preload" as="fetch" crossorigin="anonymous" href="/.well-known/hutong/platform-keys.json">'
)


def _data_block(element_id: str, value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


async def _inline_launch(request: Request, appid: str, device: str | None) -> str:
    """The launch's data block and its bundles' preloads; empty when the launch fails (the shell then
    asks for it itself and shows the platform's answer)."""
    params = request.query_params
    channel = params.get("channel") or "release"
    raw_scene = params.get("scene") or ""
    scene = int(raw_scene) if raw_scene.isdigit() and 0 < int(raw_scene) < 100000 else None
    if scene is None:
        scene = SCENE_TRIAL if channel == "trial" else SCENE_RECENT
    path = params.get("path") or ""
    if channel not in CHANNELS or len(path) > 500 or len(appid) > 64:
        return ""
    network = NETWORKS.get(request.headers.get("ect", "").lower(), "")
    try:
        answer = await signed_launch(
            request, appid, channel=channel, scene=scene, path=path, network=network, device=device
        )
    except Exception:  # any refusal: the shell fetches the launch itself and shows why
        log.debug("no inline launch for %s", appid, exc_info=True)
        return ""
    body = answer.body.decode("utf-8")
    manifest = json.loads(body)
    launch = {
        "appid": appid,
        "channel": channel,
        "scene": scene,
        "path": path,
        "url": f"/api/apps/{quote(appid, safe='')}/launch",
        "body": body,
        "signature": answer.signature,
    }
    preloads = "".join(
        f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{quote(bundle["url"], safe="/")}">'
        for name, bundle in manifest.get("bundles", {}).items()
        if name in ("logic.js", "view.js", "app-config.json")
    )
    return f"{preloads}\n{_data_block('hutong-launch', launch)}\n"


def shell_with_launch(request: Request, html: str, headers: dict[str, str]) -> Response:
    """``html`` (the shell page) streamed with the launch of its ``?open=`` app inside."""
    appid = request.query_params.get("open", "")
    head, found, tail = html.partition(SPLIT)
    # The app's surface shows from the first paint, not the home screen the shell would hide at once
    # (its lists load only when the app is closed, shell/shell.js `boot`).
    head = head.replace(HOME, f"{HOME[:-1]} hidden>", 1).replace(f"{RUNNING[:-1]} hidden>", RUNNING, 1)
    # The platform's keys check the launch: asked for with the page's first bytes.
    head = head.replace("</head>", f"{KEYS_PRELOAD}\n</head>", 1)
    # The device cookie leaves with the headers, before the launch that needs it is made.
    device = request.cookies.get(DEVICE_COOKIE, "")
    new_device = None
    if not (0 < len(device) <= 64 and device.replace("-", "").replace("_", "").isalnum()):
        new_device = secrets.token_urlsafe(16)

    async def body() -> AsyncIterator[bytes]:
        yield (head + found).encode()
        yield ((await _inline_launch(request, appid, new_device)) + tail).encode()

    # The page now names this user's launch: never kept by a shared cache, nor by the browser's.
    private = {**headers, "Cache-Control": "private, no-store"}
    response = StreamingResponse(body(), media_type="text/html; charset=utf-8", headers=private)
    if new_device:
        response.set_cookie(
            DEVICE_COOKIE,
            new_device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=settings(request).secure_cookies,
            path="/",
        )
    return response
