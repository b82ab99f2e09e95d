"""HTTP routes for accounts, API tokens and organizations; the rules live in ``service``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts import service
from hutong.server.accounts.auth import (
    SESSION_COOKIE,
    auth_rate_limit,
    clear_session_cookie,
    current_user,
    resolve,
    set_session_cookie,
)
from hutong.server.accounts.models import User
from hutong.server.deps import database
from hutong.server.problems import Problem

router = APIRouter(prefix="/api", tags=["accounts"])
CurrentUser = Annotated[User, Depends(current_user)]


class SignUpIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    name: str = Field(default="", max_length=200)


class SignInIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    operator_role: str | None
    csrf_token: str | None = Field(description="Send as X-CSRF-Token on writes made with the session cookie.")


def _me(user: User, csrf: str | None) -> MeOut:
    return MeOut(
        id=user.id, email=user.email, name=user.name, operator_role=user.operator_role, csrf_token=csrf
    )


@router.post(
    "/accounts/signup", response_model=MeOut, status_code=201, dependencies=[Depends(auth_rate_limit)]
)
async def sign_up(body: SignUpIn, request: Request, response: Response) -> MeOut:
    """Create an account (end user, developer or both) and sign in."""
    async with database(request).session() as session:
        user = await service.sign_up(session, body.email, body.password, body.name)
        new = await service.start_session(session, user)
    set_session_cookie(request, response, new.token)
    return _me(user, new.csrf_token)


@router.post("/accounts/signin", response_model=MeOut, dependencies=[Depends(auth_rate_limit)])
async def sign_in(body: SignInIn, request: Request, response: Response) -> MeOut:
    async with database(request).session() as session:
        user = await service.authenticate(session, body.email, body.password)
        new = await service.start_session(session, user)
    set_session_cookie(request, response, new.token)
    return _me(user, new.csrf_token)


@router.post("/accounts/signout", status_code=204)
async def sign_out(request: Request, user: CurrentUser) -> Response:
    response = Response(status_code=204)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with database(request).session() as session:
            await service.end_session(session, token)
    clear_session_cookie(response)
    return response


@router.get("/accounts/me", response_model=MeOut)
async def me(request: Request) -> MeOut:
    user, csrf = await resolve(request)
    if user is None:
        raise Problem(401, "unauthorized", "not signed in")
    return _me(user, csrf)


class SessionOut(BaseModel):
    user: MeOut | None


@router.get("/accounts/session", response_model=SessionOut)
async def current_session(request: Request) -> SessionOut:
    """Who is signed in, if anyone: always 200, so a page can ask without logging an error."""
    user, csrf = await resolve(request)
    return SessionOut(user=_me(user, csrf) if user else None)


class TokenIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    name: str = Field(default="hutong CLI", max_length=200)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown once; store it now.")


@router.post("/tokens", response_model=NewTokenOut, status_code=201, dependencies=[Depends(auth_rate_limit)])
async def create_token(body: TokenIn, request: Request) -> NewTokenOut:
    """Exchange email and password for a personal API token (what `hutong login` does)."""
    async with database(request).session() as session:
        user = await service.authenticate(session, body.email, body.password)
        row, secret = await service.create_api_token(session, user, body.name)
    return NewTokenOut(id=row.id, name=row.name, created_at=row.created_at, last_used_at=None, token=secret)


@router.get("/tokens", response_model=list[TokenOut])
async def list_tokens(request: Request, user: CurrentUser) -> list[TokenOut]:
    async with database(request).session() as session:
        rows = await service.list_api_tokens(session, user)
    return [
        TokenOut(id=r.id, name=r.name, created_at=r.created_at, last_used_at=r.last_used_at) for r in rows
    ]


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: int, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.revoke_api_token(session, user, token_id)
    return Response(status_code=204)


class OrgIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class OrgOut(BaseModel):
    id: int
    name: str
    role: str


@router.post("/orgs", response_model=OrgOut, status_code=201)
async def create_org(body: OrgIn, request: Request, user: CurrentUser) -> OrgOut:
    async with database(request).session() as session:
        org = await service.create_organization(session, user, body.name)
    return OrgOut(id=org.id, name=org.name, role="owner")


@router.get("/orgs", response_model=list[OrgOut])
async def list_orgs(request: Request, user: CurrentUser) -> list[OrgOut]:
    async with database(request).session() as session:
        rows = await service.organizations_of(session, user)
    return [OrgOut(id=org.id, name=org.name, role=role) for org, role in rows]


@router.get("/orgs/{org_id}", response_model=OrgOut)
async def get_org(org_id: int, request: Request, user: CurrentUser) -> OrgOut:
    async with database(request).session() as session:
        org = await service.get_organization(session, user, org_id)
        role = await service.role_in(session, user, org_id)
    return OrgOut(id=org.id, name=org.name, role=role or "")


class MemberIn(BaseModel):
    email: str = Field(max_length=320)
    role: str


class MemberOut(BaseModel):
    user_id: int
    email: str
    name: str
    role: str


@router.get("/orgs/{org_id}/members", response_model=list[MemberOut])
async def list_members(org_id: int, request: Request, user: CurrentUser) -> list[MemberOut]:
    async with database(request).session() as session:
        members = await service.list_members(session, user, org_id)
    return [MemberOut(**vars(member)) for member in members]


@router.put("/orgs/{org_id}/members", response_model=MemberOut)
async def set_member(org_id: int, body: MemberIn, request: Request, user: CurrentUser) -> MemberOut:
    """Add a member with a role, or change their role."""
    async with database(request).session() as session:
        member = await service.set_member(session, user, org_id, body.email, body.role)
    return MemberOut(**vars(member))


@router.delete("/orgs/{org_id}/members/{user_id}", status_code=204)
async def remove_member(org_id: int, user_id: int, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.remove_member(session, user, org_id, user_id)
    return Response(status_code=204)
