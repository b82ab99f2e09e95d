"""Who is calling: a bearer API token (the CLI) or a session cookie (browsers, with a CSRF token)."""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from hutong.server.accounts import service
from hutong.server.accounts.models import User
from hutong.server.deps import database, settings
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter, client_address

SESSION_COOKIE = "hutong_session"
DEVICE_COOKIE = "hutong_device"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _from_token(request: Request, token: str) -> User | None:
    async with database(request).session() as session:
        return await service.user_for_token(session, token)


async def resolve(request: Request) -> tuple[User | None, str | None]:
    """(user, csrf_token): the csrf token is None for bearer tokens, which need none."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = await _from_token(request, header[7:].strip())
        if user is None:
            raise Problem(401, "invalid_token", "the API token is unknown or revoked")
        return user, None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None, None
    async with database(request).session() as session:
        found = await service.session_for(session, cookie)
    if found is None:
        return None, None
    user, row = found
    return user, row.csrf_token


async def optional_user(request: Request) -> User | None:
    """For reads that anyone may make but that differ for a signed-in user (the launch)."""
    user, _ = await resolve(request)
    return user


async def check_csrf(request: Request, expected: str) -> None:
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached by Starlette: the route's Form() parameters still work
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not supplied or not secrets.compare_digest(supplied, expected):
        raise Problem(403, "csrf_failed", "the CSRF token is missing or wrong; reload the page")


async def current_user(request: Request) -> User:
    """Any authenticated caller; a browser session must also present its CSRF token on writes."""
    user, csrf = await resolve(request)
    if user is None:
        raise Problem(401, "unauthorized", "sign in or send an API token")
    if csrf is not None and request.method not in SAFE_METHODS:
        await check_csrf(request, csrf)
    return user


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings(request).secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


async def auth_rate_limit(request: Request) -> None:
    """Sign-in, sign-up and token creation: a tight per-client budget against password guessing."""
    limiter: Limiter = request.app.state.limiter
    per_minute = settings(request).auth_rate_limit_per_minute
    wait = await limiter.hit(f"auth:{client_address(request.scope)}", per_minute, 60)
    if wait is not None:
        raise Problem(429, "rate_limited", "too many attempts; wait a minute", retry_after=int(wait) + 1)
