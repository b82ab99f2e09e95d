"""Wire compatibility: the PyPI package wechatpayv3, unchanged, talks to Hutong. Its gateway address is
fixed in its code, so it is pointed at Hutong the way its documentation allows: its ``proxy`` setting
names `hutong pay gateway`, whose CA the process trusts (REQUESTS_CA_BUNDLE). The platform runs on a
real loopback port; the merchant's notify endpoint is a real loopback HTTP server."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

from hutong.server.wechatpay import crypto, gateway
from hutong.settings import Settings
from tests.conftest import LiveServer, migrate, serve

APIV3_KEY = "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6"


@dataclass
class Shop:
    server: LiveServer
    proxy: str
    ca_bundle: str
    mchid: str
    serial_no: str
    private_key: str
    appid: str
    openid: str
    platform_public_key: str
    platform_public_key_id: str

    def sdk(
        self, notify_url: str = "https://shop.example.com/notify", public_key_mode: bool = False
    ) -> WeChatPay:
        extra: dict[str, Any] = {}
        if public_key_mode:
            extra = {"public_key": self.platform_public_key, "public_key_id": self.platform_public_key_id}
        return WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG,
            mchid=self.mchid,
            private_key=self.private_key,
            cert_serial_no=self.serial_no,
            appid=self.appid,
            apiv3_key=APIV3_KEY,
            notify_url=notify_url,
            proxy={"https": self.proxy},
            timeout=(10, 30),
            **extra,
        )


async def _setup(server: LiveServer) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await client.post(
            "/api/accounts/signup", json={"email": "shop@example.com", "password": "long enough"}
        )
        client.cookies.clear()
        token = (
            await client.post("/api/tokens", json={"email": "shop@example.com", "password": "long enough"})
        ).json()
        dev = {"Authorization": f"Bearer {token['token']}"}
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=dev)).json()["id"]
        registered = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea"}, headers=dev)).json()
        appid, app_secret = registered["appid"], registered["secret"]
        mchid = (
            await client.post(f"/api/orgs/{org}/merchants", json={"name": "Tea Shop"}, headers=dev)
        ).json()["mchid"]
        pair = (await client.post(f"/api/merchants/{mchid}/keypair", headers=dev)).json()
        await client.put(f"/api/merchants/{mchid}/apiv3-key", json={"apiv3_key": APIV3_KEY}, headers=dev)
        await client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=dev)
        # This merchant's server knows the platform by its certificates (the SDK's default mode), so
        # notifications name the certificate serial; public-key mode is tests/payments/test_money.py's.
        await client.patch(f"/api/merchants/{mchid}", json={"platform_key_mode": "certificate"}, headers=dev)
        described = (await client.get(f"/api/merchants/{mchid}", headers=dev)).json()
        user = await client.post(
            "/api/accounts/signup", json={"email": "user@example.com", "password": "long enough"}
        )
        code = (
            await client.post(
                "/api/identity/login",
                json={"appid": appid},
                headers={"X-CSRF-Token": user.json()["csrf_token"]},
            )
        ).json()["code"]
        params = {"appid": appid, "secret": app_secret, "js_code": code, "grant_type": "authorization_code"}
        openid = (await client.get("/sns/jscode2session", params=params)).json()["openid"]
        return {
            "mchid": mchid,
            "serial_no": pair["serial_no"],
            "private_key": pair["private_key"],
            "appid": appid,
            "openid": openid,
            "platform_public_key": described["platform_keys"][0]["public_key"],
            "platform_public_key_id": described["platform_keys"][0]["public_key_id"],
        }


@pytest.fixture(scope="module")
async def shop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shop]:
    data_dir = tmp_path_factory.mktemp("wire")
    settings = Settings(
        data_dir=data_dir,
        wechatpay_api_url="https://api.mch.weixin.qq.com",
        egress_allow_networks="127.0.0.0/8",
    )
    await migrate(settings.effective_database_url)
    async with serve(settings) as server:
        found = await _setup(server)
        port = int(server.url.rsplit(":", 1)[1])
        files = gateway.ensure_files(data_dir / "gateway")
        with gateway.in_thread(gateway.Gateway(files, "127.0.0.1", port)) as proxy:
            yield Shop(
                server,
                proxy,
                str(files.ca_certificate),
                found["mchid"],
                found["serial_no"],
                found["private_key"],
                found["appid"],
                found["openid"],
                found["platform_public_key"],
                found["platform_public_key_id"],
            )


@pytest.fixture(autouse=True)
def trust_gateway(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    # requests' documented way to trust a CA; the SDK itself is untouched.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", shop.ca_bundle)


async def _sync(function: Any, *args: Any, **kwargs: Any) -> Any:
    """The SDK is synchronous; the platform answers on its own thread meanwhile."""
    return await asyncio.to_thread(function, *args, **kwargs)


@pytest.mark.parametrize("public_key_mode", [False, True], ids=["certificates", "public-key"])
async def test_orders_through_the_sdk(shop: Shop, public_key_mode: bool) -> None:
    # Certificate mode fetches and decrypts /v3/certificates while it is being constructed.
    sdk = await _sync(shop.sdk, public_key_mode=public_key_mode)
    out_trade_no = f"WIRE{int(public_key_mode)}0000001"
    code, message = await _sync(
        sdk.pay,
        description="珍珠奶茶",
        out_trade_no=out_trade_no,
        amount={"total": 1880},
        payer={"openid": shop.openid},
        attach="table=3",
    )
    assert code == 200, message
    prepay_id = json.loads(message)["prepay_id"]
    # The client's payment parameters, signed by the SDK as a merchant's server does for wx.requestPayment.
    timestamp, nonce = "1765000000", crypto.new_nonce()
    package = f"prepay_id={prepay_id}"
    pay_sign = sdk.sign([shop.appid, timestamp, nonce, package])
    from hutong.server.db import Database
    from hutong.server.payments import service

    database = Database.of_settings(shop.server.settings)
    try:
        async with database.session() as session:
            prepay = await service.get_prepay(session, prepay_id)
    finally:
        await database.dispose()
    assert prepay is not None and service.pay_sign_valid(prepay, timestamp, nonce, package, pay_sign)

    code, message = await _sync(sdk.query, out_trade_no=out_trade_no)
    assert code == 200 and json.loads(message)["trade_state"] == "NOTPAY"
    again = await _sync(
        sdk.pay,
        description="珍珠奶茶",
        out_trade_no=out_trade_no,
        amount={"total": 1},
        payer={"openid": shop.openid},
        attach="table=3",
    )
    assert again[0] == 400 and json.loads(again[1])["code"] == "INVALID_REQUEST"
    code, _ = await _sync(sdk.close, out_trade_no=out_trade_no)
    assert code == 204
    code, message = await _sync(sdk.query, out_trade_no=out_trade_no)
    assert json.loads(message)["trade_state"] == "CLOSED"


async def test_pay_notify_refund_and_bill_through_the_sdk(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutong.server import ledger
    from hutong.server.db import Database
    from hutong.server.payments import ids, service
    from hutong.server.sealing import Keyring
    from tests.payments.receiver import receiver

    sdk = await _sync(shop.sdk)
    got: list[dict[str, Any]] = []

    def on_notify(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        # The merchant's handler, as the SDK's README writes it: verify, decrypt, answer.
        result = sdk.callback(headers, body)
        if not result:
            return 401, b'{"code":"FAIL","message":"verification failed"}'
        got.append(result)
        return 200, b""

    with receiver(on_notify) as endpoint:
        sdk = await _sync(shop.sdk, notify_url=endpoint.url)
        code, message = await _sync(
            sdk.pay,
            description="芝士奶盖",
            out_trade_no="WIREPAY000001",
            amount={"total": 2350},
            payer={"openid": shop.openid},
        )
        assert code == 200, message
        prepay_id = json.loads(message)["prepay_id"]
        # The user pays yesterday (so that yesterday's bill has it), from a funded wallet.
        real_now = ids.now
        yesterday = real_now() - timedelta(days=1)
        monkeypatch.setattr(ids, "now", lambda: yesterday)
        settings = shop.server.settings
        database = Database(settings.effective_database_url, Keyring.from_settings(settings))
        try:
            async with database.session() as session:
                await ledger.post(
                    session,
                    "topup:wire",
                    "top-up",
                    [("funding_clearing:sandbox", -5000), ("user_wallet:2", 5000)],
                )
                prepay = await service.get_prepay(session, prepay_id)
                assert prepay is not None and prepay.payer_user_id is not None
                await service.mark_paid(session, prepay_id, paid_from=f"user_wallet:{prepay.payer_user_id}")
        finally:
            await database.dispose()
        monkeypatch.setattr(ids, "now", real_now)
        for _ in range(100):  # the platform's own outbox worker delivers it
            if got:
                break
            await asyncio.sleep(0.1)
        assert got and got[0]["event_type"] == "TRANSACTION.SUCCESS"
        assert (
            got[0]["resource"]["out_trade_no"] == "WIREPAY000001"
            and got[0]["resource"]["trade_state"] == "SUCCESS"
        )

        code, message = await _sync(sdk.query, out_trade_no="WIREPAY000001")
        transaction = json.loads(message)
        assert transaction["trade_state"] == "SUCCESS" and transaction["amount"]["payer_total"] == 2350
        code, by_id = await _sync(sdk.query, transaction_id=transaction["transaction_id"])
        assert json.loads(by_id) == transaction

        code, message = await _sync(
            sdk.refund,
            out_refund_no="WIREREFUND01",
            amount={"refund": 350, "total": 2350, "currency": "CNY"},
            out_trade_no="WIREPAY000001",
            reason="少糖",
        )
        assert code == 200 and json.loads(message)["status"] == "PROCESSING", message
        for _ in range(100):
            if len(got) > 1:
                break
            await asyncio.sleep(0.1)
        assert got[1]["event_type"] == "REFUND.SUCCESS" and got[1]["resource"]["refund_status"] == "SUCCESS"
        code, message = await _sync(sdk.query_refund, out_refund_no="WIREREFUND01")
        assert json.loads(message)["status"] == "SUCCESS"

    day = (datetime.now(ids.BEIJING) - timedelta(days=1)).date().isoformat()
    code, message = await _sync(sdk.trade_bill, bill_date=day)
    assert code == 200, message
    bill = json.loads(message)
    assert bill["download_url"].startswith("https://api.mch.weixin.qq.com/v3/billdownload/file?token=")
    code, content = await _sync(sdk.download_bill, bill["download_url"])
    assert code == 200
    plain = gzip.decompress(content)
    assert hashlib.sha1(plain).hexdigest() == bill["hash_value"]
    assert "`WIREPAY000001" in plain.decode() and "`23.50" in plain.decode()


async def test_counter_payment_and_reverse_through_the_sdk(shop: Shop) -> None:
    """The SDK's own code payment (pay_type CODEPAY: payer.auth_code) and codepay_reverse."""
    from sqlalchemy import select

    from hutong.server import ledger
    from hutong.server.accounts.models import User
    from hutong.server.db import Database
    from hutong.server.wallet import paycodes

    database = Database(shop.server.settings.effective_database_url)
    try:
        async with database.session() as session:
            user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
            assert user_id is not None
            wallet = f"user_wallet:{user_id}"
            await ledger.post(
                session, "wire:codepay:topup", "top-up", [("funding_clearing:sandbox", -3000), (wallet, 3000)]
            )
            # The module's other payments share this payer: count from what the wallet holds now.
            before = await ledger.balance(session, wallet)
        async with database.session() as session:
            code, _ = await paycodes.issue(session, user_id)
        sdk = await _sync(shop.sdk)
        answer = await _sync(
            sdk.pay,
            description="门店 珍珠奶茶",
            out_trade_no="WIRECODE000001",
            amount={"total": 1880},
            payer={"auth_code": code},
            scene_info={"device_id": "till-1", "store_info": {"id": "0001"}},
            pay_type=WeChatPayType.CODEPAY,
        )
        assert answer[0] == 200, answer[1]
        paid = json.loads(answer[1])
        assert paid["trade_state"] == "SUCCESS" and paid["trade_type"] == "MICROPAY"
        assert paid["payer"]["openid"] == shop.openid
        async with database.session() as session:
            assert await ledger.balance(session, wallet) == before - 1880
        code_, message = await _sync(sdk.codepay_reverse, out_trade_no="WIRECODE000001")
        assert code_ == 204, message
        code_, message = await _sync(sdk.query, out_trade_no="WIRECODE000001")
        assert code_ == 200 and json.loads(message)["trade_state"] == "REVOKED"
        async with database.session() as session:
            assert await ledger.balance(session, wallet) == before
    finally:
        await database.dispose()


async def test_a_payment_with_a_voucher_through_the_sdk(shop: Shop) -> None:
    """The SDK, unchanged, makes and starts a voucher stock and sends the payer a voucher; the payer
    pays with it; the SDK verifies and decrypts TRANSACTION.SUCCESS and COUPON.USE, and reads
    ``amount.payer_total`` and ``promotion_detail`` in the query and the refund's split."""
    from sqlalchemy import select

    from hutong.server import ledger
    from hutong.server.accounts.models import User
    from hutong.server.coupons import checkout
    from hutong.server.db import Database
    from hutong.server.payments import service
    from hutong.server.payments.ids import now, rfc3339
    from hutong.server.wallet import coupons, orders
    from tests.coupons.world import fund_marketing
    from tests.payments.receiver import receiver

    got: list[dict[str, Any]] = []
    sdk = await _sync(shop.sdk)

    def on_notify(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        result = sdk.callback(headers, body)
        if not result:
            return 401, b'{"code":"FAIL","message":"verification failed"}'
        got.append(result)
        return 200, b""

    database = Database.of_settings(shop.server.settings)
    with receiver(on_notify) as endpoint:
        sdk = await _sync(shop.sdk, notify_url=endpoint.url)
        begin = now() - timedelta(minutes=1)
        code, message = await _sync(
            sdk.marketing_favor_stock_create,
            stock_name="满20减5",
            belong_merchant=shop.mchid,
            available_begin_time=rfc3339(begin),
            available_end_time=rfc3339(begin + timedelta(days=30)),
            stock_use_rule={"max_coupons": 2, "max_amount": 1000, "max_coupons_per_user": 1},
            coupon_use_rule={"fixed_normal_coupon": {"coupon_amount": 500, "transaction_minimum": 2000}},
            out_request_no="WIRE-VOUCHER-1",
        )
        assert code == 200, message
        stock_id = json.loads(message)["stock_id"]
        try:
            await fund_marketing(database, shop.mchid, 1_000)
            code, message = await _sync(
                sdk.marketing_favor_stock_start, stock_creator_mchid=shop.mchid, stock_id=stock_id
            )
            assert code == 200, message
            code, message = await _sync(sdk.marketing_favor_callback_update, notify_url=endpoint.url)
            assert code == 200, message
            code, message = await _sync(
                sdk.marketing_favor_stock_send,
                stock_id=stock_id,
                openid=shop.openid,
                out_request_no="WIRE-VOUCHER-SEND",
                stock_creator_mchid=shop.mchid,
            )
            assert code == 200, message
            coupon_id = json.loads(message)["coupon_id"]
            code, message = await _sync(
                sdk.pay,
                description="芝士奶盖",
                out_trade_no="WIREVOUCHER0001",
                amount={"total": 2350},
                payer={"openid": shop.openid},
            )
            assert code == 200, message
            prepay_id = json.loads(message)["prepay_id"]
            # What the host's sheet does once the payer keeps the voucher and types the PIN.
            checkout.install()
            async with database.session() as session:
                user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
                wallet = f"user_wallet:{user_id}"
                await ledger.post(
                    session,
                    "wire:voucher:topup",
                    "top-up",
                    [("funding_clearing:sandbox", -2000), (wallet, 2000)],
                )
                prepay = await service.get_prepay(session, prepay_id)
                assert prepay is not None and user_id is not None
                applied = await coupons.redeem(session, user_id, prepay, coupon_id)
                await orders.mark_paid(session, prepay, wallet, user_id, applied)
        finally:
            await database.dispose()
        for _ in range(100):  # the platform's own outbox worker delivers both
            if len(got) >= 2:
                break
            await asyncio.sleep(0.1)
        notes = {note["event_type"]: note["resource"] for note in got}
        detail = {
            "coupon_id": coupon_id,
            "name": "满20减5",
            "scope": "GLOBAL",
            "type": "CASH",
            "amount": 500,
            "stock_id": stock_id,
            "wechatpay_contribute": 0,
            "merchant_contribute": 500,
            "other_contribute": 0,
            "currency": "CNY",
        }
        paid = notes["TRANSACTION.SUCCESS"]
        assert paid["amount"]["total"] == 2350 and paid["amount"]["payer_total"] == 1850
        assert paid["promotion_detail"] == [detail]
        assert notes["COUPON.USE"]["coupon_id"] == coupon_id and notes["COUPON.USE"]["status"] == "USED"

        code, message = await _sync(sdk.query, out_trade_no="WIREVOUCHER0001")
        transaction = json.loads(message)
        assert transaction["amount"]["payer_total"] == 1850 and transaction["promotion_detail"] == [detail]
        code, message = await _sync(
            sdk.refund,
            out_refund_no="WIREVOUCHERR1",
            amount={"refund": 2350, "total": 2350, "currency": "CNY"},
            out_trade_no="WIREVOUCHER0001",
        )
        assert code == 200, message
        for _ in range(100):
            code, message = await _sync(sdk.query_refund, out_refund_no="WIREVOUCHERR1")
            if json.loads(message)["status"] == "SUCCESS":
                break
            await asyncio.sleep(0.1)
        refund = json.loads(message)
        assert refund["status"] == "SUCCESS"
        assert (refund["amount"]["payer_refund"], refund["amount"]["discount_refund"]) == (1850, 500)
        assert refund["promotion_detail"][0]["promotion_id"] == coupon_id
        assert refund["promotion_detail"][0]["refund_amount"] == 500
    # A full refund gives the voucher back.
    code, message = await _sync(sdk.marketing_favor_user_coupon, openid=shop.openid, stock_id=stock_id)
    assert json.loads(message)["data"][0]["status"] == "SENDED"
