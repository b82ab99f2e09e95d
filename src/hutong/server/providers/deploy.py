"""Batch deployment: one template version rolled to many merchants (the console and ``hutong provider
deploy``). WeChat has no bulk endpoint, so a provider loops over its merchants; here the platform does
the loop for it, durably: the deployment and one item per merchant are written at once, then an outbox
job (``providers.deploy``) commits each merchant's ext_json and submits it for review, one merchant per
transaction, recording WeChat's errcode for each failure. A retry runs only the failed items again;
commit is idempotent for the same version and ext, and a pending review of the same version counts as
submitted, so a job that dies half-way is simply run again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.apps.release import pending_review
from hutong.server.audit.service import record
from hutong.server.db import Database
from hutong.server.problems import Problem
from hutong.server.providers import audits, scopes, templates
from hutong.server.providers.models import Authorization, Deployment, DeploymentItem, Provider
from hutong.server.providers.service import AuthorizerCall
from hutong.server.storage import BlobStore
from hutong.server.wechat.errors import WxError

TOPIC = "providers.deploy"
MAX_MERCHANTS = 10_000


async def create(
    session: AsyncSession,
    actor: User,
    organization_id: int,
    *,
    template_id: int,
    user_version: str,
    user_desc: str,
    merchants: list[dict[str, Any]],
    submit: bool,
) -> Deployment:
    await accounts.require(session, actor, organization_id, Action.SUBMIT_REVIEW)
    provider = await session.scalar(select(Provider).where(Provider.organization_id == organization_id))
    if provider is None:
        raise Problem(404, "not_a_provider", "this organization is not registered as a provider")
    try:
        await templates.template_of(session, provider, template_id)
    except WxError:
        raise Problem(404, "template_not_found", "no such template in the provider's library") from None
    if not merchants or len(merchants) > MAX_MERCHANTS:
        raise Problem(422, "invalid_merchants", f"deploy to 1 to {MAX_MERCHANTS} merchants")
    appids = [str(m.get("appid", "")) for m in merchants]
    if len(set(appids)) != len(appids):
        raise Problem(422, "duplicate_merchant", "each merchant appears once in a deployment")
    deployment = Deployment(
        provider_id=provider.id,
        template_id=template_id,
        user_version=user_version,
        user_desc=user_desc[:2000],
        submit=submit,
        created_by=actor.id,
    )
    session.add(deployment)
    await session.flush()
    session.add_all(
        DeploymentItem(
            deployment_id=deployment.id,
            appid=appid,
            ext_json=merchant.get("ext_json") if isinstance(merchant.get("ext_json"), dict) else {},
        )
        for appid, merchant in zip(appids, merchants, strict=True)
    )
    await outbox.enqueue(session, TOPIC, {"deployment_id": deployment.id}, key=f"{deployment.id}:1")
    await record(session, None, actor, "provider.deploy", deployment_id=deployment.id, merchants=len(appids))
    return deployment


@dataclass
class Progress:
    deployment: Deployment
    items: list[DeploymentItem]

    def counts(self) -> dict[str, int]:
        counts = {"pending": 0, "committed": 0, "submitted": 0, "failed": 0}
        for item in self.items:
            counts[item.state] = counts.get(item.state, 0) + 1
        return counts


async def progress(session: AsyncSession, actor: User, organization_id: int, deployment_id: int) -> Progress:
    await accounts.require(session, actor, organization_id, Action.READ)
    deployment = await session.get(Deployment, deployment_id)
    provider = await session.scalar(select(Provider).where(Provider.organization_id == organization_id))
    if deployment is None or provider is None or deployment.provider_id != provider.id:
        raise Problem(404, "deployment_not_found", "no such deployment")
    items = await session.scalars(
        select(DeploymentItem)
        .where(DeploymentItem.deployment_id == deployment.id)
        .order_by(DeploymentItem.id)
    )
    return Progress(deployment, list(items))


async def retry_failed(session: AsyncSession, actor: User, organization_id: int, deployment_id: int) -> int:
    """Failed merchants go back to pending, and the deployment runs again."""
    await accounts.require(session, actor, organization_id, Action.SUBMIT_REVIEW)
    found = await progress(session, actor, organization_id, deployment_id)
    again = await session.execute(
        update(DeploymentItem)
        .where(DeploymentItem.deployment_id == deployment_id, DeploymentItem.state == "failed")
        .values(state="pending", errcode=0, errmsg="")
        .execution_options(synchronize_session=False)
    )
    count = int(again.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        key = f"{found.deployment.id}:retry:{secrets.token_hex(6)}"
        await outbox.enqueue(session, TOPIC, {"deployment_id": deployment_id}, key=key)
    return count


async def _call_for(session: AsyncSession, provider: Provider, appid: str) -> AuthorizerCall:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise WxError(61003)
    authorization = await session.scalar(
        select(Authorization).where(
            Authorization.provider_id == provider.id,
            Authorization.app_id == app.id,
            Authorization.status == "authorized",
        )
    )
    if authorization is None:
        raise WxError(61003)
    if scopes.DEVELOPMENT not in authorization.func_info:
        raise WxError(61007)
    return AuthorizerCall(app, provider, authorization)


async def deploy_one(
    session: AsyncSession, store: BlobStore, deployment: Deployment, provider: Provider, item: DeploymentItem
) -> None:
    """Commit (and submit) one merchant, exactly as the provider's own calls would."""
    call = await _call_for(session, provider, item.appid)
    committed = await templates.commit(
        session,
        store,
        call,
        deployment.template_id,
        item.ext_json,
        deployment.user_version,
        deployment.user_desc,
    )
    item.state = "committed"
    if deployment.submit:
        pending = await pending_review(session, call.app)
        if pending is not None and pending.release_id == committed.release.id:
            item.auditid = pending.id  # submitted by an earlier run
        else:
            review = await audits.submit(session, call, {"version_desc": deployment.user_desc})
            item.auditid = review.id
        item.state = "submitted"


async def run(database: Database, store: BlobStore, deployment_id: int) -> int:
    """Deploy every pending item, each in a transaction of its own; answers how many were tried."""
    async with database.session() as session:
        deployment = await session.get(Deployment, deployment_id)
        if deployment is None:
            return 0
        provider = await session.get(Provider, deployment.provider_id)
        pending = list(
            await session.scalars(
                select(DeploymentItem.id)
                .where(DeploymentItem.deployment_id == deployment_id, DeploymentItem.state == "pending")
                .order_by(DeploymentItem.id)
            )
        )
    if provider is None:
        return 0
    for item_id in pending:
        try:
            async with database.session() as session:
                item = await session.get(DeploymentItem, item_id)
                assert item is not None
                await deploy_one(session, store, deployment, provider, item)
        except WxError as error:
            async with database.session() as session:
                await session.execute(
                    update(DeploymentItem)
                    .where(DeploymentItem.id == item_id)
                    .values(state="failed", errcode=error.errcode, errmsg=error.errmsg[:1000])
                )
    return len(pending)


@outbox.handler(TOPIC, schedule=outbox.DEFAULT_RETRY, timeout=3600.0)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    tried = await run(job.database, BlobStore(job.settings.blob_dir), int(job.payload["deployment_id"]))
    return outbox.Outcome.done(body=f"{tried} merchants tried")


async def recent(session: AsyncSession, provider: Provider, limit: int = 20) -> list[Progress]:
    """The provider's latest deployments with their items (the console's list)."""
    rows = await session.scalars(
        select(Deployment)
        .where(Deployment.provider_id == provider.id)
        .order_by(Deployment.id.desc())
        .limit(limit)
    )
    found = []
    for deployment in rows:
        items = await session.scalars(
            select(DeploymentItem)
            .where(DeploymentItem.deployment_id == deployment.id)
            .order_by(DeploymentItem.id)
        )
        found.append(Progress(deployment, list(items)))
    return found
