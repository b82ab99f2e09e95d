"""Payments through an authorizer: a third-party platform that is also a WeChat Pay service provider
takes payments for the merchants who authorized it, in partner mode (sp_mchid, sub_mchid, sub_appid).

The merchant's owner links their merchant account to the provider's service-provider account
(``PUT /api/merchants/{mchid}/service-provider``). Within one organization the owner manages both;
across organizations the link is allowed when the service-provider account belongs to a provider that
one of the merchant account's bound apps has authorized (a live authorization). Revoking the
authorization unlinks it (``unlink_on_revoke``) unless another of the account's bound apps still
authorizes the provider, or the account is the provider's own organization's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments.models import Merchant, MerchantApp
from hutong.server.providers.models import Authorization, Provider


async def authorized_service_provider(
    session: AsyncSession, merchant: Merchant, sp_mchid: str
) -> Merchant | None:
    """The service-provider account ``sp_mchid`` if it is a provider's that one of ``merchant``'s
    bound apps has authorized; None otherwise."""
    found = await session.scalar(
        select(Merchant)
        .join(Provider, Provider.organization_id == Merchant.organization_id)
        .join(Authorization, Authorization.provider_id == Provider.id)
        .join(MerchantApp, MerchantApp.app_id == Authorization.app_id)
        .where(
            Merchant.mchid == sp_mchid,
            Authorization.status == "authorized",
            MerchantApp.merchant_id == merchant.id,
        )
        .limit(1)
    )
    return found


async def unlink_on_revoke(session: AsyncSession, provider: Provider, app_id: int) -> list[Merchant]:
    """The merchant accounts bound to the app that the revoked authorization let the provider serve:
    each loses its link to the provider's service-provider account (answered, for the audit log),
    unless another of its bound apps still authorizes the provider. Accounts of the provider's own
    organization keep theirs (their owner manages both sides)."""
    own = select(Merchant.id).where(Merchant.organization_id == provider.organization_id)
    linked = await session.scalars(
        select(Merchant)
        .join(MerchantApp, MerchantApp.merchant_id == Merchant.id)
        .where(
            MerchantApp.app_id == app_id,
            Merchant.service_provider_id.in_(own),
            Merchant.organization_id != provider.organization_id,
        )
    )
    unlinked = []
    for merchant in linked:
        still = await session.scalar(
            select(Authorization.id)
            .join(MerchantApp, MerchantApp.app_id == Authorization.app_id)
            .where(
                MerchantApp.merchant_id == merchant.id,
                Authorization.provider_id == provider.id,
                Authorization.status == "authorized",
                Authorization.app_id != app_id,
            )
            .limit(1)
        )
        if still is None:
            merchant.service_provider_id = None
            unlinked.append(merchant)
    return unlinked
