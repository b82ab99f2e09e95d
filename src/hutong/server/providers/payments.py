"""Payments through an authorizer: a third-party platform that is also a WeChat Pay service provider
takes payments for the merchants who authorized it, in partner mode (sp_mchid, sub_mchid, sub_appid).

The merchant's owner links their merchant account to the provider's service-provider account
(``PUT /api/merchants/{mchid}/service-provider``). Within one organization the owner manages both;
across organizations the link is allowed when the service-provider account belongs to a provider that
one of the merchant account's bound apps has authorized (a live authorization). Revoking the
authorization does not unlink it: that stays the merchant's own decision, as in WeChat Pay."""

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
