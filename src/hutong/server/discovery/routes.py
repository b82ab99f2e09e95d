"""HTTP routes for finding mini programs: search, categories, recent and pinned, an app's "about"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from hutong.server.accounts.auth import DEVICE_COOKIE, current_user, optional_user
from hutong.server.accounts.models import User
from hutong.server.delivery.launch import Audience
from hutong.server.deps import database
from hutong.server.discovery import service
from hutong.server.discovery.catalogue import Catalogue, Listing

router = APIRouter(prefix="/api", tags=["discovery"])
CurrentUser = Annotated[User, Depends(current_user)]


class ListingOut(BaseModel):
    appid: str
    name: str
    icon: str
    category: str
    description: str
    keywords: list[str]


class SearchHitOut(ListingOut):
    score: float


class CategoryOut(BaseModel):
    name: str
    count: int


class AboutOut(BaseModel):
    appid: str
    name: str
    icon: str
    description: str
    category: str
    developer: str
    version: str


def listing_out(app: Listing) -> ListingOut:
    return ListingOut(
        appid=app.appid,
        name=app.name,
        icon=app.icon,
        category=app.category,
        description=app.description,
        keywords=list(app.keywords),
    )


def catalogue(request: Request) -> Catalogue:
    value: Catalogue = request.app.state.catalogue
    return value


async def audience(request: Request) -> Audience:
    """The signed-in user, or else the device cookie the launch set (no cookie: nobody yet)."""
    return Audience(await optional_user(request), request.cookies.get(DEVICE_COOKIE, "")[:64])


@router.get("/search", response_model=list[SearchHitOut])
async def search(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[SearchHitOut]:
    """Released mini programs by name, keyword, category and description, in Chinese, English and
    pinyin (full or initials), best first; use (launches in the last 30 days) breaks near-ties."""
    async with database(request).session() as session:
        hits = await catalogue(request).search(session, q, limit)
    return [SearchHitOut(**listing_out(hit.app).model_dump(), score=round(hit.score, 4)) for hit in hits]


@router.get("/categories", response_model=list[CategoryOut])
async def categories(request: Request) -> list[CategoryOut]:
    """Categories with released mini programs, the fullest first (browse one: /api/apps?category=)."""
    async with database(request).session() as session:
        return [CategoryOut(name=c.name, count=c.count) for c in await service.categories(session)]


@router.get("/apps/{appid}/about", response_model=AboutOut)
async def about(appid: str, request: Request) -> AboutOut:
    """What the capsule menu's "about" page shows: name, developer, version."""
    async with database(request).session() as session:
        return AboutOut(**vars(await service.about(session, appid)))


@router.get("/me/recent", response_model=list[ListingOut])
async def recent(request: Request) -> list[ListingOut]:
    """Recently opened mini programs: the signed-in user's, or this device's for anyone else."""
    who = await audience(request)
    if who.user is None and not who.device_id:
        return []
    async with database(request).session() as session:
        return [listing_out(app) for app in await service.recent(session, who)]


@router.post("/me/recent/adopt", response_model=list[ListingOut])
async def adopt_recent(request: Request, user: CurrentUser) -> list[ListingOut]:
    """After signing in: this device's recent mini programs join the user's (the host calls this)."""
    device = request.cookies.get(DEVICE_COOKIE, "")[:64]
    async with database(request).session() as session:
        await service.adopt_device_recents(session, user, device)
    async with database(request).session() as session:
        return [listing_out(app) for app in await service.recent(session, Audience(user, ""))]


@router.delete("/me/recent/{appid}", status_code=204)
async def forget_recent(appid: str, request: Request, user: CurrentUser) -> Response:
    """Take a mini program off the signed-in user's recent list."""
    async with database(request).session() as session:
        await service.forget_recent(session, Audience(user, ""), appid)
    return Response(status_code=204)


@router.get("/me/pinned", response_model=list[ListingOut])
async def pinned(request: Request, user: CurrentUser) -> list[ListingOut]:
    async with database(request).session() as session:
        return [listing_out(app) for app in await service.pinned(session, user)]


@router.put("/me/pinned/{appid}", status_code=204)
async def pin(appid: str, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.pin(session, user, appid)
    return Response(status_code=204)


@router.delete("/me/pinned/{appid}", status_code=204)
async def unpin(appid: str, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.unpin(session, user, appid)
    return Response(status_code=204)
