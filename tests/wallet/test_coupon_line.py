"""The payment sheet's coupon line, the platform's side, on SQLite and PostgreSQL: what a registered
coupons provider offers reaches the preview (best first, preselected; nothing that would make the
order free), a coupon named with the PIN goes through the provider in the payment's transaction and
the payer pays the amount less its discount, which its funder's ledger account pays. The provider here
stands in for the coupons domain and follows its contract (server/wallet/coupons.py); the real one is
tests/coupons/test_voucher_checkout.py's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.problems import Problem
from hutong.server.wallet import coupons
from hutong.server.wallet.orders import Prepay
from tests.wallet.test_checkout import Shop, shop

__all__ = ["shop"]


class Wallet:
    """The payer's coupons: 3 off any order, 5 off orders of 20 or more, and one worth the whole order."""

    def __init__(self) -> None:
        self.redeemed: list[str] = []

    async def offers(self, session: AsyncSession, *, user_id: int, prepay: Prepay) -> list[coupons.Offer]:
        found = [coupons.Offer("C-3", "立减3元", 300), coupons.Offer("C-ALL", "免单", prepay.amount_total)]
        if prepay.amount_total >= 2000:
            found.insert(0, coupons.Offer("C-5", "满20减5", 500))
        return found

    async def redeem(
        self, session: AsyncSession, *, user_id: int, prepay: Prepay, coupon_id: str
    ) -> coupons.Applied:
        offers = {
            offer.coupon_id: offer for offer in await self.offers(session, user_id=user_id, prepay=prepay)
        }
        if coupon_id not in offers:
            raise Problem(409, "coupon_not_applicable", "not your coupon")
        self.redeemed.append(coupon_id)
        return coupons.Applied(
            coupon_id, offers[coupon_id].discount_fen, "platform_marketing", {"coupon_id": coupon_id}
        )


@pytest.fixture
def provider() -> Iterator[Wallet]:
    wallet = Wallet()
    coupons.register(wallet)
    try:
        yield wallet
    finally:
        coupons.unregister()


async def test_the_coupon_line(shop: Shop, provider: Wallet) -> None:
    await shop.top_up(5_000)
    params = await shop.order(2_280)
    preview = (await shop.preview(params)).json()
    assert preview["coupons"] == [
        {"coupon_id": "C-5", "title": "满20减5", "discount_fen": 500},
        {"coupon_id": "C-3", "title": "立减3元", "discount_fen": 300},
    ]  # the one that would make the order free is not offered
    assert preview["coupon_id"] == "C-5" and preview["amount_fen"] == 2_280
    small = (await shop.preview(await shop.order(1_000))).json()
    assert [offer["coupon_id"] for offer in small["coupons"]] == ["C-3"] and small["coupon_id"] == "C-3"

    for coupon_id, code in (("C-404", "coupon_not_applicable"), ("C-ALL", "coupon_not_applicable")):
        refused = await shop.client.post(
            "/api/me/wallet/payments",
            json={"appid": shop.pw.w.a1.appid, **params, "pin": "135790", "coupon_id": coupon_id},
            headers=shop.csrf,
        )
        assert refused.status_code == 409 and refused.json()["code"] == code
    # (The provider was asked for C-ALL; the platform refused its discount and the payment's
    # transaction, in which the provider would have marked it used, rolled back.)
    assert provider.redeemed == ["C-ALL"] and await shop.balance() == 5_000
    # A real coupon: the payer pays 22.80 − 5.00; the funder's account pays the rest.
    kept = await shop.client.post(
        "/api/me/wallet/payments",
        json={"appid": shop.pw.w.a1.appid, **params, "pin": "135790", "coupon_id": "C-5"},
        headers=shop.csrf,
    )
    assert kept.status_code == 200, kept.text
    assert provider.redeemed == ["C-ALL", "C-5"] and await shop.balance() == 5_000 - 1_780
    # No coupon: the full amount, as before.
    paid = await shop.pay(await shop.order(1_000))
    assert paid.status_code == 200 and await shop.balance() == 5_000 - 1_780 - 1_000


async def test_a_coupon_named_without_a_provider_is_refused(shop: Shop) -> None:
    await shop.top_up(5_000)
    params = await shop.order(1_880)
    refused = await shop.client.post(
        "/api/me/wallet/payments",
        json={"appid": shop.pw.w.a1.appid, **params, "pin": "135790", "coupon_id": "C-3"},
        headers=shop.csrf,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "coupon_not_applicable"
    assert await shop.balance() == 5_000
