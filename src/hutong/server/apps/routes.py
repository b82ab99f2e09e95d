"""HTTP routes for apps: the public list, registration, settings, the AppSecret and allowed domains."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.apps import service
from hutong.server.apps.icons import MAX_ICON_BYTES
from hutong.server.apps.models import App
from hutong.server.deps import blob_store, database

router = APIRouter(prefix="/api", tags=["apps"])
CurrentUser = Annotated[User, Depends(current_user)]


class AppOut(BaseModel):
    appid: str
    name: str
    description: str
    icon: str = ""
    category: str = ""
    keywords: list[str] = []


class AppDetail(AppOut):
    organization_id: int
    status: str
    status_reason: str
    domains: dict[str, list[str]]


class AppIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    icon: str = Field(default="", max_length=500)
    category: str = Field(default="", max_length=100)
    keywords: list[str] = Field(default_factory=list)


class AppPatch(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    icon: str | None = Field(default=None, max_length=500)
    category: str | None = Field(default=None, max_length=100)
    keywords: list[str] | None = None


class RegisteredApp(AppDetail):
    secret: str = Field(description="The AppSecret, shown once; rotate it if lost.")


class SecretOut(BaseModel):
    secret: str


def detail(app: App) -> AppDetail:
    return AppDetail(
        appid=app.appid,
        name=app.name,
        description=app.description,
        icon=app.icon,
        category=app.category,
        keywords=list(app.keywords or []),
        organization_id=app.organization_id or 0,
        status=app.status,
        status_reason=app.status_reason,
        domains=dict(app.domains or {}),
    )


@router.get("/apps", response_model=list[AppOut])
async def list_apps(
    request: Request, category: Annotated[str | None, Query(max_length=100)] = None
) -> list[Any]:
    """Every released mini program anyone can open (of one category, if given)."""
    async with database(request).session() as session:
        return list(await service.list_apps(session, category))


@router.post("/orgs/{org_id}/apps", response_model=RegisteredApp, status_code=201)
async def register_app(org_id: int, body: AppIn, request: Request, user: CurrentUser) -> RegisteredApp:
    async with database(request).session() as session:
        app, secret = await service.register_app(session, user, org_id, **body.model_dump())
        return RegisteredApp(**detail(app).model_dump(), secret=secret)


@router.get("/orgs/{org_id}/apps", response_model=list[AppDetail])
async def org_apps(org_id: int, request: Request, user: CurrentUser) -> list[AppDetail]:
    async with database(request).session() as session:
        return [detail(app) for app in await service.apps_of_organization(session, user, org_id)]


@router.get("/manage/apps/{appid}", response_model=AppDetail)
async def get_app(appid: str, request: Request, user: CurrentUser) -> AppDetail:
    async with database(request).session() as session:
        return detail(await service.get_app(session, user, appid))


@router.patch("/manage/apps/{appid}", response_model=AppDetail)
async def update_app(appid: str, body: AppPatch, request: Request, user: CurrentUser) -> AppDetail:
    async with database(request).session() as session:
        return detail(await service.update_app(session, user, appid, **body.model_dump()))


@router.put("/manage/apps/{appid}/icon", response_model=AppDetail)
async def set_icon(
    appid: str, request: Request, user: CurrentUser, image: Annotated[UploadFile, File()]
) -> AppDetail:
    """Upload the app's icon (PNG, JPEG, GIF or WebP, at most 2 MB); it is stored as a 256 px PNG and
    shown in the host and at the centre of the app's codes."""
    data = await image.read(MAX_ICON_BYTES + 1)
    async with database(request).session() as session:
        return detail(await service.set_icon(session, blob_store(request), user, appid, data))


@router.post("/manage/apps/{appid}/secret", response_model=SecretOut)
async def rotate_secret(appid: str, request: Request, user: CurrentUser) -> SecretOut:
    """A new AppSecret, shown once; the old one stops working."""
    async with database(request).session() as session:
        return SecretOut(secret=await service.rotate_secret(session, user, appid))


@router.put("/manage/apps/{appid}/domains", response_model=AppDetail)
async def set_domains(
    appid: str, body: dict[str, list[str]], request: Request, user: CurrentUser
) -> AppDetail:
    """Allowed origins per kind: request, upload, download (https://), socket (wss://), webview; proxy
    marks request/upload/download origins the host reaches through the egress proxy (no CORS)."""
    async with database(request).session() as session:
        return detail(await service.set_domains(session, user, appid, body))
