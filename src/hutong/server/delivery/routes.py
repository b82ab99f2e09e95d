"""The signed launch manifest, the platform's public key, and immutable blobs (ETag, gzip, a year's cache)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import DEVICE_COOKIE, optional_user
from hutong.server.delivery import launch as launches
from hutong.server.delivery.signing import PlatformKeys
from hutong.server.deps import blob_store, database, event_sink, settings
from hutong.server.discovery.service import clean_scene, record_launch
from hutong.server.events import portrait, store
from hutong.server.events import tokens as events_tokens
from hutong.server.problems import Problem
from hutong.server.ratelimit import client_address

router = APIRouter(tags=["delivery"])

IMMUTABLE = "public, max-age=31536000, immutable"
SIGNATURE_HEADER = "Hutong-Signature"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600


def platform_key(request: Request) -> PlatformKeys:
    """The platform's key set: signs with the newest key, accepts any listed one."""
    key: PlatformKeys = request.app.state.platform_key
    return key


@router.get(
    "/.well-known/hutong/platform-keys.json",
    responses={200: {"description": "A JWK set", "content": {"application/jwk-set+json": {}}}},
)
async def platform_keys(request: Request) -> Response:
    """The keys the platform signs with and accepts (the newest signs), as a JWK set (RFC 7517)."""
    body = launches.encode(platform_key(request).jwks())
    return Response(
        body, media_type="application/jwk-set+json", headers={"Cache-Control": "public, max-age=300"}
    )


class BundleDoc(BaseModel):
    url: str
    sha256: str
    size: int


class LaunchManifestDoc(BaseModel):
    """The launch manifest's shape (the route sends the signed bytes itself)."""

    appid: str
    name: str
    version: str
    release_id: int
    channel: str
    issued_at: int
    expires_at: int
    bundles: dict[str, BundleDoc]
    domains: dict[str, list[str]]
    audience: str = Field(
        description="Who launches, as an opaque id: the host keeps storage per app and per it."
    )
    events_token: str = Field(description="Send as Hutong-Events-Token with the app's reported events.")


@router.get(
    "/api/apps/{appid}/launch",
    responses={
        200: {
            "model": LaunchManifestDoc,
            "description": "The launch manifest; its Hutong-Signature header signs the exact body.",
        }
    },
)
async def launch(
    appid: str,
    request: Request,
    channel: Annotated[str, Query(max_length=16)] = "release",
    scene: Annotated[int | None, Query(description="Where the launch came from (WeChat's numbers).")] = None,
    path: Annotated[str, Query(max_length=500, description="The page the launch opens.")] = "",
    network: Annotated[
        str, Query(max_length=16, description="The network type the runtime sees (wifi, 2g–5g, unknown).")
    ] = "",
    screen: Annotated[
        str,
        Query(
            max_length=64,
            description="The screen in points and its pixel ratio (390x844@3): an iPhone's model.",
        ),
    ] = "",
) -> Response:
    """Which release this user gets, its bundles' hashes and the app's allowed domains, signed (Ed25519)."""
    answer = await signed_launch(
        request, appid, channel=channel, scene=scene, path=path, network=network, screen=screen
    )
    response = Response(
        answer.body,
        media_type="application/json",
        headers={
            SIGNATURE_HEADER: answer.signature,
            # Per user (phased release): never shared by a cache.
            "Cache-Control": "private, no-store",
        },
    )
    answer.set_device_cookie(response, request)
    return response


@dataclass(frozen=True)
class SignedLaunch:
    """A launch manifest's exact bytes, their ``Hutong-Signature``, and the device cookie to set, if new."""

    body: bytes
    signature: str
    new_device: str | None

    def set_device_cookie(self, response: Response, request: Request) -> None:
        if self.new_device:
            response.set_cookie(
                DEVICE_COOKIE,
                self.new_device,
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                samesite="lax",
                secure=settings(request).secure_cookies,
                path="/",
            )


async def signed_launch(
    request: Request,
    appid: str,
    *,
    channel: str,
    scene: int | None,
    path: str,
    network: str,
    device: str | None = None,
    screen: str = "",
) -> SignedLaunch:
    """The launch ``request``'s user (or device) gets, counted as one (the route, and the shell page of
    a ``/?open=`` address, which carries it inline: delivery/shell_page.py). ``device``: the new device
    id the caller has already sent as the cookie."""
    user = await optional_user(request)
    new_device = False
    if device is None:
        device = request.cookies.get(DEVICE_COOKIE, "")
        new_device = not (0 < len(device) <= 64 and device.replace("-", "").replace("_", "").isalnum())
        if new_device:
            device = secrets.token_urlsafe(16)
    async with database(request).session() as session:
        audience = launches.Audience(user, device)
        app, release = await launches.choose_release(session, appid, audience, channel)
        document = launches.manifest(app, release, channel)
        document["audience"] = launches.opaque_audience(app.appid, audience.key)
        counted = channel == "release"
        visit = secrets.token_urlsafe(12) if counted else ""
        document["events_token"] = events_tokens.issue(
            platform_key(request),
            app.appid,
            audience.key,
            session=visit,
            release_id=release.id,
            scene=clean_scene(scene),
        )
        body = launches.encode(document)
        if counted:
            # Put on the launcher's recent list; the launch itself is an event, buffered (no write).
            await record_launch(session, app, audience)
            sink = event_sink(request)
            sink.offer(
                [
                    store.row(
                        at=datetime.now(UTC),
                        zone=sink.zone,
                        app_id=app.id,
                        audience=audience.key,
                        kind="launch",
                        name=path,
                        session=visit,
                        release_id=release.id,
                        scene=clean_scene(scene),
                        data=portrait.describe(
                            request.headers.get("user-agent", ""),
                            client_address(request.scope),
                            network,
                            request.app.state.regions,
                            screen,
                        ),
                    )
                ]
            )
    signature = platform_key(request).signature_header(body)
    return SignedLaunch(body, signature, device if new_device else None)


BLOB_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def byte_range(header: str | None, total: int) -> tuple[int, int] | str | None:
    """The one range of ``Range: bytes=a-b`` (or ``a-``, or ``-n``: the last n bytes) as (first, last);
    None to send everything (no header, several ranges, another unit), "unsatisfiable" past the end."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes=") :].strip().partition("-")
    try:
        if first == "":
            count = int(last)
            if count <= 0:
                return "unsatisfiable"
            return max(0, total - count), total - 1
        start = int(first)
        end = int(last) if last else total - 1
    except ValueError:
        return None
    if start >= total or end < start:
        return "unsatisfiable"
    return start, min(end, total - 1)


@router.get("/blobs/{sha256}")
async def get_blob(sha256: str, request: Request) -> Response:
    etag = f'"{sha256}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
    data = blob_store(request).get(sha256)
    if data is None:
        raise Problem(404, "blob_not_found", "no blob has that SHA-256")
    store = blob_store(request)
    headers = {
        "ETag": etag,
        "Cache-Control": IMMUTABLE,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": BLOB_CSP,
        "Accept-Ranges": "bytes",
    }
    # One byte range (what audio and video elements ask for to seek): without it a media element
    # cannot seek and starts again from the beginning.
    total = len(data)
    wanted = byte_range(request.headers.get("range"), total)
    if isinstance(wanted, str):
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{total}"})
    status = 200
    if wanted is not None:
        start, end = wanted
        data = data[start : end + 1]
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{total}"
    return Response(
        data,
        status_code=status,
        # The type recorded when the blob was stored (images, fonts, audio behave as on WeChat), never
        # sniffed; opened directly, a blob is a sandboxed document that runs no script on this origin.
        media_type=store.media_type(sha256),
        headers=headers,
    )
