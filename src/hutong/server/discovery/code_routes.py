"""HTTP routes for mini program codes and links: members make codes (console, API), the app's server
makes them with its AppSecret (like WeChat's getwxacodeunlimit), anyone resolves a scanned code, and a
host without a BarcodeDetector has the server read codes from a picture."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.apps.icons import icon_bytes
from hutong.server.apps.models import App, Release
from hutong.server.apps.service import check_secret, get_app
from hutong.server.deps import blob_store, database, settings
from hutong.server.discovery import links, scenes
from hutong.server.discovery.codes import UnreadableImage, read_codes, render_code
from hutong.server.discovery.models import SceneCode
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter, client_address
from hutong.server.storage import BlobStore
from hutong.server.wechat.access import ServerApp
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import WxError

router = APIRouter(tags=["codes"])
CurrentUser = Annotated[User, Depends(current_user)]
MAX_SCAN_BYTES = 8 * 1024 * 1024
SCANS_PER_MINUTE = 90


class CodeIn(BaseModel):
    page: str = Field(default="", max_length=500, description="Empty: the app's home page.")
    query: dict[str, str] = Field(default_factory=dict)
    scene: str | None = Field(default=None, max_length=32, description="Empty: the platform picks one.")


class CodeOut(BaseModel):
    id: int
    scene: str
    page: str
    query: dict[str, str]
    source: str
    content: str = Field(description="What the QR code carries.")
    link: str = Field(description="The https link to the same page, with query.scene.")
    png_url: str
    svg_url: str


class LinksOut(BaseModel):
    https: str
    scheme: str


class Target(BaseModel):
    """Where a link or scanned code leads."""

    appid: str
    page: str
    query: dict[str, str]
    channel: str
    kind: Literal["code", "link", "scheme"]


class ReadOut(BaseModel):
    text: str
    target: Target | None


def code_out(request: Request, app: App, code: SceneCode) -> CodeOut:
    public = settings(request).public_url
    base = f"/api/manage/apps/{app.appid}/codes/{code.id}/image"
    return CodeOut(
        id=code.id,
        scene=code.scene,
        page=code.page,
        query=dict(code.query),
        source=code.source,
        content=links.code_link(public, app.appid, code.scene),
        link=links.app_link(public, app.appid, code.page, {**code.query, "scene": code.scene}),
        png_url=f"{base}?format=png",
        svg_url=f"{base}?format=svg",
    )


def _image(request: Request, app: App, scene: str, kind: str, with_icon: bool, download: bool) -> Response:
    content = links.code_link(settings(request).public_url, app.appid, scene)
    icon = icon_bytes(blob_store(request), app.icon) if with_icon else None
    body = render_code(content, "svg" if kind == "svg" else "png", icon=icon)
    headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{app.appid}-{scene_file(scene)}.{kind}"'
    media = "image/svg+xml" if kind == "svg" else "image/png"
    return Response(body, media_type=media, headers=headers)


def scene_file(scene: str) -> str:
    return "".join(char if char.isalnum() else "_" for char in scene)


# Members of the app's organization -------------------------------------------------------------------


@router.get("/api/manage/apps/{appid}/codes", response_model=list[CodeOut])
async def list_codes(appid: str, request: Request, user: CurrentUser) -> list[CodeOut]:
    async with database(request).session() as session:
        app, rows = await scenes.list_codes(session, user, appid)
        return [code_out(request, app, code) for code in rows]


@router.post("/api/manage/apps/{appid}/codes", response_model=CodeOut, status_code=201)
async def create_code(appid: str, body: CodeIn, request: Request, user: CurrentUser) -> CodeOut:
    """A new mini program code for a page and query (owners and developers)."""
    async with database(request).session() as session:
        app, code = await scenes.create_for_member(
            session, user, appid, page=body.page, query=body.query, scene=body.scene
        )
        return code_out(request, app, code)


@router.get("/api/manage/apps/{appid}/codes/{code_id}/image")
async def code_image(
    appid: str,
    code_id: int,
    request: Request,
    user: CurrentUser,
    format: Annotated[Literal["png", "svg"], Query()] = "png",
    icon: bool = True,
    download: bool = False,
) -> Response:
    """The code as PNG or SVG, with the app's icon at its centre unless ``icon=false``."""
    async with database(request).session() as session:
        app, code = await scenes.get_code(session, user, appid, code_id)
    return await asyncio.to_thread(_image, request, app, code.scene, format, icon, download)


@router.delete("/api/manage/apps/{appid}/codes/{code_id}", status_code=204)
async def delete_code(appid: str, code_id: int, request: Request, user: CurrentUser) -> Response:
    """Printed copies of a deleted code stop opening the app."""
    async with database(request).session() as session:
        await scenes.delete_code(session, user, appid, code_id)
    return Response(status_code=204)


@router.get("/api/manage/apps/{appid}/links", response_model=LinksOut)
async def app_links(appid: str, request: Request, user: CurrentUser) -> LinksOut:
    async with database(request).session() as session:
        app = await get_app(session, user, appid)
    return LinksOut(
        https=links.app_link(settings(request).public_url, app.appid),
        scheme=links.scheme_link(app.appid),
    )


# The app's own server, with its AppSecret --------------------------------------------------------------


class UnlimitedCodeIn(BaseModel):
    """WeChat's getwxacodeunlimit body (``width``, ``line_color`` and friends are accepted and ignored)."""

    scene: str = Field(max_length=32)
    page: str = Field(default="", max_length=500)
    check_path: bool = True
    env_version: Literal["release", "trial", "develop"] = "release"
    format: Literal["png", "svg"] = "png"
    is_hyaline: bool = False
    model_config = {"extra": "ignore"}


_UNLIMITED_SCHEMA = UnlimitedCodeIn.model_json_schema()


async def app_from_secret(request: Request) -> App:
    """HTTP Basic with the appid as user name and the AppSecret as password."""
    header = request.headers.get("authorization", "")
    try:
        scheme, _, encoded = header.partition(" ")
        appid, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        scheme = ""
    if scheme.lower() != "basic" or not appid or not secret:
        raise Problem(401, "invalid_app_credentials", "send the appid and AppSecret with HTTP Basic")
    async with database(request).session() as session:
        valid = await check_secret(session, appid, secret)
        app = await session.scalar(select(App).where(App.appid == appid)) if valid else None
    if app is None:
        raise Problem(401, "invalid_app_credentials", "the appid or AppSecret is wrong")
    return app


@router.post(
    "/api/server/getwxacodeunlimit",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
async def unlimited_code(
    body: UnlimitedCodeIn, request: Request, app: Annotated[App, Depends(app_from_secret)]
) -> Response:
    """A code for ``page`` whose opened page gets ``query.scene``; any number of them, permanent."""
    async with database(request).session() as session:
        if body.check_path and body.page:
            await _check_page(session, blob_store(request), app, body.page)
        fresh = await session.get(App, app.id)
        assert fresh is not None
        code = await scenes.create(session, fresh, page=body.page, scene=body.scene, source="server")
        scene = code.scene
    return await asyncio.to_thread(_image, request, app, scene, body.format, True, False)


@router.post(
    "/wxa/getwxacodeunlimit",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": UnlimitedCodeIn.model_json_schema()}}}
    },
)
async def unlimited_code_wechat(request: Request, app: ServerApp) -> Response:
    """WeChat's path and credentials (``?access_token=``): the same code; errors as ``{errcode, errmsg}``.
    The body is JSON whatever its Content-Type (WeChat's SDKs often send none)."""
    try:
        body = UnlimitedCodeIn.model_validate(await json_body(request))
    except ValidationError as error:
        raise WxError(40097, f"invalid args: {error.errors()[0].get('msg', '')}") from None
    try:
        return await unlimited_code(body, request, app)
    except Problem as problem:
        raise WxError(41030 if problem.code == "invalid_page" else 40097, problem.detail) from None


async def _check_page(session: AsyncSession, store: BlobStore, app: App, page: str) -> None:
    """With ``check_path`` (the default), the page must be in the released version's app.json."""
    release = await session.get(Release, app.current_release_id) if app.current_release_id else None
    if release is None:
        raise Problem(422, "invalid_page", "the mini program has no released version; pass check_path=false")
    config = store.get(release.bundles.get("app-config.json", {}).get("sha256", ""))
    pages = json.loads(config).get("pages", []) if config else []
    if scenes.clean(page) not in pages:
        raise Problem(422, "invalid_page", f"{page!r} is not a page of the released version")


# Anyone: resolve a scanned code, read codes from a picture -------------------------------------------


TargetKind = Literal["code", "link", "scheme"]


def target_of(address: links.Address, page: str, query: dict[str, str], kind: TargetKind) -> Target:
    return Target(appid=address.appid, page=page, query=query, channel=address.channel, kind=kind)


async def resolve_text(request: Request, text: str) -> Target | None:
    try:
        address = links.parse(text)
    except links.NotALink:
        return None
    if address.scene:
        async with database(request).session() as session:
            try:
                page, query = await scenes.resolve(session, address.appid, address.scene)
            except Problem:
                return None
        return target_of(address, page, query, "code")
    kind: TargetKind = "scheme" if text.strip().startswith(f"{links.SCHEME}:") else "link"
    return target_of(address, address.page, address.query, kind)


@router.get("/api/codes/resolve", response_model=Target)
async def resolve(
    request: Request,
    appid: Annotated[str, Query(max_length=64)],
    scene: Annotated[str, Query(max_length=32)],
) -> Target:
    """The page and query a mini program code opens (``query.scene`` is the code's token)."""
    async with database(request).session() as session:
        page, query = await scenes.resolve(session, appid, scene)
    return Target(appid=appid, page=page, query=query, channel="release", kind="code")


async def scan_rate_limit(request: Request) -> None:
    """Reading a picture costs real CPU: a budget per client of its own (a camera sends ≤ 1 frame/s)."""
    limiter: Limiter = request.app.state.limiter
    wait = await limiter.hit(f"scan:{client_address(request.scope)}", SCANS_PER_MINUTE, 60)
    if wait is not None:
        raise Problem(
            429, "rate_limited", "too many pictures to scan; wait a minute", retry_after=int(wait) + 1
        )


@router.post("/api/codes/read", response_model=list[ReadOut], dependencies=[Depends(scan_rate_limit)])
async def read(request: Request, image: Annotated[UploadFile, File()]) -> list[ReadOut]:
    """Every QR code in a photo or screenshot, and where each leads if it is a mini program's."""
    data = await image.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise Problem(413, "too_large", "a picture to scan is at most 8 MB")
    try:
        texts = await asyncio.to_thread(read_codes, data)
    except UnreadableImage as error:
        raise Problem(422, "unreadable_image", str(error)) from None
    return [ReadOut(text=text, target=await resolve_text(request, text)) for text in texts]
