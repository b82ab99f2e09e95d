"""The provider's own JSON API (the console and ``hutong provider`` use it): registration, and the
overview of its authorizations, templates and deployments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.deps import database
from hutong.server.providers import deploy, service

router = APIRouter(prefix="/api", tags=["providers"])
CurrentUser = Annotated[User, Depends(current_user)]


class ProviderIn(BaseModel):
    name: str = Field(max_length=200)
    message_url: str = Field(max_length=1000)
    token: str = Field(max_length=32)
    encoding_aes_key: str = Field(max_length=43)
    funcscopes: list[int] = Field(max_length=20)
    dev_appid: str | None = Field(default=None, max_length=64)
    event_url: str | None = Field(default=None, max_length=1000)


class ProviderOut(BaseModel):
    component_appid: str
    name: str
    message_url: str
    event_url: str | None
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
            event_url=body.event_url,
        )
        return RegisteredProvider(**_out(provider).model_dump(), component_appsecret=secret)


def _out(provider: object) -> ProviderOut:
    return ProviderOut.model_validate(provider, from_attributes=True)


@router.get("/orgs/{org_id}/provider", response_model=ProviderOut)
async def show(org_id: int, request: Request, user: CurrentUser) -> ProviderOut:
    async with database(request).session() as session:
        return _out(await service.provider_of_org(session, user, org_id))


class MerchantIn(BaseModel):
    appid: str = Field(max_length=64)
    ext_json: dict[str, Any] = Field(default_factory=dict)


class DeploymentIn(BaseModel):
    template_id: int
    user_version: str = Field(max_length=64)
    user_desc: str = Field(default="", max_length=2000)
    submit: bool = True
    merchants: list[MerchantIn] = Field(max_length=deploy.MAX_MERCHANTS)


class DeploymentItemOut(BaseModel):
    appid: str
    state: str
    errcode: int
    errmsg: str
    auditid: int | None


class DeploymentOut(BaseModel):
    id: int
    template_id: int | None
    user_version: str
    submit: bool
    counts: dict[str, int]
    items: list[DeploymentItemOut]


def _progress_out(found: deploy.Progress) -> DeploymentOut:
    return DeploymentOut(
        id=found.deployment.id,
        template_id=found.deployment.template_id,
        user_version=found.deployment.user_version,
        submit=found.deployment.submit,
        counts=found.counts(),
        items=[DeploymentItemOut.model_validate(item, from_attributes=True) for item in found.items],
    )


@router.post("/orgs/{org_id}/provider/deployments", response_model=DeploymentOut, status_code=201)
async def create_deployment(
    org_id: int, body: DeploymentIn, request: Request, user: CurrentUser
) -> DeploymentOut:
    """Roll a template version to these merchants (each with its ext_json); the platform's outbox
    commits and submits each in turn. Poll the deployment for progress."""
    async with database(request).session() as session:
        created = await deploy.create(
            session,
            user,
            org_id,
            template_id=body.template_id,
            user_version=body.user_version,
            user_desc=body.user_desc,
            merchants=[m.model_dump() for m in body.merchants],
            submit=body.submit,
        )
        return _progress_out(await deploy.progress(session, user, org_id, created.id))


@router.get("/orgs/{org_id}/provider/deployments/{deployment_id}", response_model=DeploymentOut)
async def show_deployment(
    org_id: int, deployment_id: int, request: Request, user: CurrentUser
) -> DeploymentOut:
    async with database(request).session() as session:
        return _progress_out(await deploy.progress(session, user, org_id, deployment_id))


@router.post("/orgs/{org_id}/provider/deployments/{deployment_id}/retry", response_model=DeploymentOut)
async def retry_deployment(
    org_id: int, deployment_id: int, request: Request, user: CurrentUser
) -> DeploymentOut:
    async with database(request).session() as session:
        await deploy.retry_failed(session, user, org_id, deployment_id)
        return _progress_out(await deploy.progress(session, user, org_id, deployment_id))
