"""What the host asks for a running mini program, with the user's host session (cookie + CSRF):
wx.login codes, wx.checkSession, getPhoneNumber codes and signed launch data; and the user's own
phone number, set in the host's account sheet. Mini program code never reaches these: it has no
network of its own, and the session cookie is the host's."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import check_csrf, current_user, resolve
from hutong.server.accounts.models import User
from hutong.server.deps import database, settings
from hutong.server.identity import service
from hutong.server.identity.launch import launch_data
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter

router = APIRouter(prefix="/api", tags=["identity"])
CurrentUser = Annotated[User, Depends(current_user)]


async def host_user(request: Request) -> User:
    """The user signed in to the host: a browser session with its CSRF token (API tokens do not do)."""
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        raise Problem(401, "sign_in_required", "sign in to the host first")
    await check_csrf(request, csrf)
    return user


HostUser = Annotated[User, Depends(host_user)]


async def _code_budget(request: Request, user: User) -> None:
    limiter: Limiter = request.app.state.limiter
    wait = await limiter.hit(f"idcode:{user.id}", settings(request).identity_codes_per_minute, 60)
    if wait is not None:
        raise Problem(
            429, "rate_limited", "too many codes asked for; wait a minute", retry_after=int(wait) + 1
        )


class AppRef(BaseModel):
    appid: str = Field(min_length=1, max_length=64)


class CodeOut(BaseModel):
    code: str = Field(description="One use, within 5 minutes, by the app's server.")


class SessionStateOut(BaseModel):
    valid: bool


class LaunchIn(AppRef):
    scene: int = Field(default=1001, ge=0, le=99999)
    start_param: str = Field(default="", max_length=1024)


class LaunchOut(BaseModel):
    launch_data: str


@router.post("/identity/login", response_model=CodeOut)
async def login_code(body: AppRef, request: Request, user: HostUser) -> CodeOut:
    """wx.login: a one-time code the app's server exchanges through /sns/jscode2session."""
    await _code_budget(request, user)
    async with database(request).session() as session:
        return CodeOut(code=await service.issue_code(session, body.appid, user, "login"))


@router.post("/identity/check-session", response_model=SessionStateOut)
async def check_session(body: AppRef, request: Request, user: HostUser) -> SessionStateOut:
    """wx.checkSession: is the session_key of the user's latest login to this app still valid?"""
    async with database(request).session() as session:
        return SessionStateOut(valid=await service.check_session(session, body.appid, user))


@router.post("/identity/phone-code", response_model=CodeOut)
async def phone_code(body: AppRef, request: Request, user: HostUser) -> CodeOut:
    """getPhoneNumber, after the user allowed it in the host's sheet: a one-time code for the app's server."""
    if not user.phone_number:
        raise Problem(409, "no_phone_number", "add a phone number to your account first")
    await _code_budget(request, user)
    async with database(request).session() as session:
        return CodeOut(code=await service.issue_code(session, body.appid, user, "phone"))


@router.post("/identity/launch-data", response_model=LaunchOut)
async def signed_launch_data(body: LaunchIn, request: Request, user: HostUser) -> LaunchOut:
    """hutong.getLaunchData: the openid, auth time, scene and start parameter, signed twice."""
    async with database(request).session() as session:
        app = await service.live_app(session, body.appid)
        data = await launch_data(
            session, app, user, request.app.state.platform_key, body.scene, body.start_param
        )
    return LaunchOut(launch_data=data)


# The user's phone number -----------------------------------------------------------------------------

_COUNTRY = re.compile(r"^[1-9][0-9]{0,3}$")
_NUMBER = re.compile(r"^[0-9]{4,15}$")


class PhoneIn(BaseModel):
    country_code: str = Field(default="86", max_length=8)
    number: str | None = Field(default=None, max_length=32, description="Digits; null removes the number.")


class PhoneOut(BaseModel):
    country_code: str | None
    number: str | None
    verified: bool = Field(False, description="Always false: no SMS gateway confirms numbers here.")


@router.get("/me/phone", response_model=PhoneOut)
async def get_phone(user: CurrentUser) -> PhoneOut:
    return PhoneOut(country_code=user.phone_country_code, number=user.phone_number)


@router.put("/me/phone", response_model=PhoneOut)
async def set_phone(body: PhoneIn, request: Request, user: CurrentUser) -> PhoneOut:
    """Set or remove the phone number getPhoneNumber shares (with the user's consent each time)."""
    country = body.country_code.strip().lstrip("+")
    number = re.sub(r"[\s-]", "", body.number or "") or None
    if number is not None and (not _COUNTRY.match(country) or not _NUMBER.match(number)):
        raise Problem(422, "invalid_phone_number", "give a country code and 4 to 15 digits")
    async with database(request).session() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.phone_country_code = country if number else None
        row.phone_number = number
    return PhoneOut(country_code=country if number else None, number=number)
