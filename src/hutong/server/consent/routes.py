"""Host-only endpoints: a signed-in user's scope decisions (Me → Authorizations, the consent the host
draws) and their profile. Session cookie + CSRF on writes; a user reaches only their own rows.

Only the host page may call these: a request a browser marks as coming from another site (a mini
program's opaque origin is one) is refused before anything is read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.consent import service
from hutong.server.deps import database
from hutong.server.problems import Problem


async def host_only(request: Request) -> None:
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Problem(403, "host_only", "only the host may read or change consent and profile")


router = APIRouter(prefix="/api/me", tags=["consent"], dependencies=[Depends(host_only)])
CurrentUser = Annotated[User, Depends(current_user)]
AppId = Annotated[str, Path(max_length=64)]


class AuthorizedAppOut(BaseModel):
    appid: str
    name: str
    icon: str
    scopes: dict[str, bool]


class AuthSettingOut(BaseModel):
    authSetting: dict[str, bool]  # WeChat's name, as wx.getSetting answers it


class DecisionsIn(BaseModel):
    scopes: dict[str, bool | None] = Field(
        max_length=32, description="scope → true (allow), false (deny) or null (forget: ask again)"
    )


class ProfileOut(BaseModel):
    nickname: str
    avatar_url: str = Field(description="Empty when there is no avatar.")


class ProfileIn(BaseModel):
    nickname: str = Field(max_length=200)


@router.get("/authorizations", response_model=list[AuthorizedAppOut])
async def list_authorizations(request: Request, user: CurrentUser) -> list[AuthorizedAppOut]:
    """Every mini program this user has decided a scope for, with the decisions."""
    async with database(request).session() as session:
        apps = await service.authorizations(session, user.id)
    return [AuthorizedAppOut(appid=a.appid, name=a.name, icon=a.icon, scopes=a.scopes) for a in apps]


@router.get("/authorizations/{appid}", response_model=AuthSettingOut)
async def get_authorizations(appid: AppId, request: Request, user: CurrentUser) -> AuthSettingOut:
    async with database(request).session() as session:
        return AuthSettingOut(authSetting=await service.scopes_for(session, user.id, appid))


@router.patch("/authorizations/{appid}", response_model=AuthSettingOut)
async def decide(appid: AppId, body: DecisionsIn, request: Request, user: CurrentUser) -> AuthSettingOut:
    """Allow, deny or forget scopes for one mini program (the consent dialog, Settings, Me)."""
    async with database(request).session() as session:
        return AuthSettingOut(authSetting=await service.decide(session, user.id, appid, body.scopes))


@router.delete("/authorizations/{appid}", status_code=204)
async def forget(appid: AppId, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.forget_app(session, user.id, appid)
    return Response(status_code=204)


def _profile_out(nickname: str, version: str | None) -> ProfileOut:
    return ProfileOut(nickname=nickname, avatar_url=f"/api/me/profile/avatar?v={version}" if version else "")


@router.get("/profile", response_model=ProfileOut)
async def get_profile(request: Request, user: CurrentUser) -> ProfileOut:
    async with database(request).session() as session:
        row = await service.profile(session, user.id)
    if row is None:
        return _profile_out("", None)
    version = str(int(row.updated_at.timestamp())) if row.avatar else None
    return _profile_out(row.nickname, version)


@router.put("/profile", response_model=ProfileOut)
async def put_profile(body: ProfileIn, request: Request, user: CurrentUser) -> ProfileOut:
    async with database(request).session() as session:
        row = await service.set_nickname(session, user.id, body.nickname)
        version = str(int(row.updated_at.timestamp())) if row.avatar else None
        return _profile_out(row.nickname, version)


@router.put("/profile/avatar", response_model=ProfileOut)
async def put_avatar(request: Request, user: CurrentUser) -> ProfileOut:
    """The body is the image itself (PNG, JPEG, GIF or WebP, ≤ 256 KB)."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > service.AVATAR_MAX_BYTES:
            raise Problem(
                413, "avatar_too_large", f"an avatar is at most {service.AVATAR_MAX_BYTES // 1024} KB"
            )
    async with database(request).session() as session:
        row = await service.set_avatar(session, user.id, data)
        return _profile_out(row.nickname, str(int(row.updated_at.timestamp())))


@router.delete("/profile/avatar", response_model=ProfileOut)
async def delete_avatar(request: Request, user: CurrentUser) -> ProfileOut:
    async with database(request).session() as session:
        row = await service.set_avatar(session, user.id, None)
        return _profile_out(row.nickname, None)


@router.get("/profile/avatar")
async def get_avatar(request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        row = await service.profile(session, user.id)
    if row is None or not row.avatar:
        raise Problem(404, "no_avatar", "this account has no avatar")
    return Response(
        row.avatar,
        media_type=row.avatar_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
