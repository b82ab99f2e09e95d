"""The provider's own JSON API (the console and ``hutong provider`` use it): registration, and the
overview of its authorizations, templates and deployments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.deps import database
from hutong.server.providers import service

router = APIRouter(prefix="/api", tags=["providers"])
CurrentUser = Annotated[User, Depends(current_user)]


class ProviderIn(BaseModel):
    name: str = Field(max_length=200)
    message_url: str = Field(max_length=1000)
    token: str = Field(max_length=32)
    encoding_aes_key: str = Field(max_length=43)
    funcscopes: list[int] = Field(max_length=20)
    dev_appid: str | None = Field(default=None, max_length=64)


class ProviderOut(BaseModel):
    component_appid: str
    name: str
    message_url: str
    funcscopes: list[int]
    audit_quota: int


class RegisteredProvider(ProviderOut):
    component_appsecret: str


@router.post("/orgs/{org_id}/provider", response_model=RegisteredProvider, status_code=201)
async def register(org_id: int, body: ProviderIn, request: Request, user: CurrentUser) -> RegisteredProvider:
    """Register the organization as a third-party platform; the AppSecret is shown this once."""
    async with database(request).session() as session:
        provider, secret = await service.register(
            session,
            user,
            org_id,
            name=body.name,
            message_url=body.message_url,
            token=body.token,
            encoding_aes_key=body.encoding_aes_key,
            funcscopes=body.funcscopes,
            dev_appid=body.dev_appid,
        )
        return RegisteredProvider(**_out(provider).model_dump(), component_appsecret=secret)


def _out(provider: object) -> ProviderOut:
    return ProviderOut.model_validate(provider, from_attributes=True)


@router.get("/orgs/{org_id}/provider", response_model=ProviderOut)
async def show(org_id: int, request: Request, user: CurrentUser) -> ProviderOut:
    async with database(request).session() as session:
        return _out(await service.provider_of_org(session, user, org_id))
