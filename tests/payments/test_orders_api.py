"""Merchants and orders over HTTP on SQLite and PostgreSQL: the console API's permissions, WeChat Pay's
JSAPI, Native and partner orders with signed requests and signed answers, idempotent out_trade_no,
queries, close, and the prepay lookup and paySign check the wallet uses."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from hutong.server import ledger
from hutong.server.accounts.models import User
from hutong.server.outbox.models import OutboxJob
from hutong.server.payments import service
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay import crypto
from tests.payments.world import jsapi_body, new_merchant, pay_world
from tests.platform.apiclient import token_for

JSAPI = "/v3/pay/transactions/jsapi"


async def test_merchant_accounts_belong_to_their_organization(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid = pw.w, pw.merchant.mchid
        stranger = await token_for(w.client, "stranger@example.com")
        assert (await w.client.get(f"/api/merchants/{mchid}", headers=stranger)).status_code == 404
        assert (
            await w.client.post(f"/api/orgs/{pw.org_a}/merchants", json={"name": "x"}, headers=stranger)
        ).status_code == 404
        # A developer of the organization sees the merchant but may not touch its keys.
        dev = await token_for(w.client, "dev@example.com")
        added = await w.client.put(
            f"/api/orgs/{pw.org_a}/members",
            json={"email": "dev@example.com", "role": "developer"},
            headers=w.dev_a,
        )
        assert added.status_code in (200, 201, 204), added.text
        seen = await w.client.get(f"/api/merchants/{mchid}", headers=dev)
        assert seen.status_code == 200
        body = seen.json()
        assert body["appids"] == [w.a1.appid] and body["apiv3_key_set"] and "apiv3_key" not in body
        assert body["platform_keys"][0]["public_key_id"].startswith("PUB_KEY_ID_")
        assert (await w.client.post(f"/api/merchants/{mchid}/keypair", headers=dev)).status_code == 403
        # Only apps of the merchant's own organization can be bound; keys are checked.
        other = await w.client.put(f"/api/merchants/{mchid}/apps/{w.b1.appid}", headers=w.dev_a)
        assert other.status_code == 404
        short = await w.client.put(
            f"/api/merchants/{mchid}/apiv3-key", json={"apiv3_key": "short"}, headers=w.dev_a
        )
        assert short.status_code == 422 and short.json()["code"] == "invalid_apiv3_key"
        made = await w.client.put(f"/api/merchants/{mchid}/apiv3-key", json={}, headers=w.dev_a)
        assert len(made.json()["apiv3_key"]) == 32
        bad = await w.client.put(
            f"/api/merchants/{mchid}/public-key", json={"public_key": "nope"}, headers=w.dev_a
        )
        assert bad.status_code == 422
        # The APIv3 key is sealed at rest.
        async with w.app.state.database.session() as session:
            stored = await session.scalar(select(Merchant.apiv3_key).where(Merchant.mchid == mchid))
        assert stored is not None and stored.startswith("hs1.") and made.json()["apiv3_key"] not in stored
        roles = await w.client.patch(
            f"/api/merchants/{mchid}", json={"refund_roles": ["root"]}, headers=w.dev_a
        )
        assert roles.status_code == 422


async def test_jsapi_orders(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        m = pw.merchant
        body = jsapi_body(pw, attach="table=12")
        created = await m.call("POST", JSAPI, body)
        assert created.status_code == 200, created.text
        prepay_id = created.json()["prepay_id"]
        assert prepay_id.startswith("wx") and len(prepay_id) == 36
        # The same out_trade_no with the same body is the same order; with another body, refused.
        again = await m.call("POST", JSAPI, body)
        assert again.json() == {"prepay_id": prepay_id}
        changed = await m.call("POST", JSAPI, {**body, "amount": {"total": 1, "currency": "CNY"}})
        assert changed.status_code == 400
        assert changed.json() == {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}

        query = await m.call(
            "GET", f"/v3/pay/transactions/out-trade-no/{body['out_trade_no']}?mchid={m.mchid}"
        )
        assert query.status_code == 200
        assert query.json() == {
            "appid": pw.w.a1.appid,
            "mchid": m.mchid,
            "out_trade_no": body["out_trade_no"],
            "trade_type": "JSAPI",
            "trade_state": "NOTPAY",
            "trade_state_desc": "未支付",
            "attach": "table=12",
            "payer": {"openid": pw.openid},
            "amount": {"total": 1880, "currency": "CNY", "payer_currency": "CNY"},
        }
        other_mchid = await m.call(
            "GET", f"/v3/pay/transactions/out-trade-no/{body['out_trade_no']}?mchid=1900000000"
        )
        assert other_mchid.status_code == 400
        missing = await m.call("GET", f"/v3/pay/transactions/out-trade-no/NOPE000001?mchid={m.mchid}")
        assert missing.status_code == 404 and missing.json()["code"] == "ORDER_NOT_EXIST"

        # Bad input: WeChat's codes, nothing created.
        for bad, code in (
            ({**body, "out_trade_no": "T2", "amount": {"total": 18.8}}, "PARAM_ERROR"),
            ({**body, "out_trade_no": "T3xxxx", "amount": {"total": "1880"}}, "PARAM_ERROR"),
            ({**body, "out_trade_no": "T4xxxx", "amount": {"total": 0}}, "PARAM_ERROR"),
            ({**body, "out_trade_no": "T5xxxx", "notify_url": "http://shop.example.com/n"}, "PARAM_ERROR"),
            (
                {**body, "out_trade_no": "T6xxxx", "notify_url": "https://shop.example.com/n?x=1"},
                "PARAM_ERROR",
            ),
            ({**body, "out_trade_no": "T7xxxx", "description": "x" * 128}, "PARAM_ERROR"),
            ({**body, "out_trade_no": "T8xxxx", "appid": pw.w.a2.appid}, "APPID_MCHID_NOT_MATCH"),
            ({**body, "out_trade_no": "T9xxxx", "payer": {"openid": "o" * 28}}, "OPENID_MISMATCH"),
            ({**body, "out_trade_no": "Tbxxxx", "time_expire": "2000-01-01T00:00:00+08:00"}, "PARAM_ERROR"),
            ({**body, "out_trade_no": "Tcxxxx", "time_expire": "tomorrow"}, "PARAM_ERROR"),
        ):
            refused = await m.call("POST", JSAPI, bad)
            assert refused.status_code == 400 and refused.json()["code"] == code, (bad, refused.text)

        closed = await m.call(
            "POST", f"/v3/pay/transactions/out-trade-no/{body['out_trade_no']}/close", {"mchid": m.mchid}
        )
        assert closed.status_code == 204 and closed.content == b""
        after = await m.call(
            "GET", f"/v3/pay/transactions/out-trade-no/{body['out_trade_no']}?mchid={m.mchid}"
        )
        assert after.json()["trade_state"] == "CLOSED"
        reopened = await m.call("POST", JSAPI, body)
        assert reopened.status_code == 400 and reopened.json()["code"] == "ORDER_CLOSED"


async def test_requests_are_authenticated_and_answers_signed(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        m = pw.merchant
        body = json.dumps(jsapi_body(pw))
        header = m.authorization("POST", JSAPI, body, nonce="fixed-nonce-1")
        first = await m.client.post(JSAPI, content=body, headers={"Authorization": header})
        assert first.status_code == 200
        replay = await m.client.post(JSAPI, content=body, headers={"Authorization": header})
        assert replay.status_code == 401 and replay.json()["code"] == "SIGN_ERROR"
        m.check_signature(replay)  # errors are signed too
        tampered = await m.client.post(
            JSAPI,
            content=body.replace("1880", "1"),
            headers={"Authorization": m.authorization("POST", JSAPI, body)},
        )
        assert tampered.status_code == 401
        unsigned = await m.client.post(JSAPI, content=body)
        assert unsigned.status_code == 401 and unsigned.json()["code"] == "SIGN_ERROR"
        # Answers name the key the caller asked for: a public key id when it sent one.
        by_id = next(serial for serial in m.platform_keys if serial.startswith("PUB_KEY_ID_"))
        named = await m.call("POST", JSAPI, jsapi_body(pw), headers={"Wechatpay-Serial": by_id})
        assert named.headers["Wechatpay-Serial"] == by_id
        assert (await m.call("POST", JSAPI, jsapi_body(pw))).headers["Wechatpay-Serial"] != by_id
        # Another merchant's key cannot speak for this merchant.
        other = await new_merchant(pw.w, pw.w.dev_a, pw.org_a, [])
        other.mchid = m.mchid
        assert (await other.call("POST", JSAPI, jsapi_body(pw, "T2026120600009"))).status_code == 401


async def test_native_and_partner_orders(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, m = pw.w, pw.merchant
        native = {k: v for k, v in jsapi_body(pw, "N20261206000001").items() if k != "payer"}
        made = await m.call("POST", "/v3/pay/transactions/native", native)
        assert made.status_code == 200 and made.json()["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")

        # A service provider (org A's second merchant, bound to a2) orders for its sub-merchant m.
        sp = await new_merchant(w, w.dev_a, pw.org_a, [w.a2.appid])
        linked = await w.client.put(
            f"/api/merchants/{m.mchid}/service-provider", json={"sp_mchid": sp.mchid}, headers=w.dev_a
        )
        assert linked.status_code == 200 and linked.json()["service_provider"] == sp.mchid
        partner = {
            "sp_appid": w.a2.appid,
            "sp_mchid": sp.mchid,
            "sub_appid": w.a1.appid,
            "sub_mchid": m.mchid,
            "description": "珍珠奶茶",
            "out_trade_no": "P20261206000001",
            "notify_url": "https://sp.example.com/notify",
            "amount": {"total": 990, "currency": "CNY"},
            "payer": {"sub_openid": pw.openid},
        }
        ordered = await sp.call("POST", "/v3/pay/partner/transactions/jsapi", partner)
        assert ordered.status_code == 200, ordered.text
        query = await sp.call(
            "GET",
            f"/v3/pay/partner/transactions/out-trade-no/P20261206000001?sp_mchid={sp.mchid}&sub_mchid={m.mchid}",
        )
        assert query.json()["sub_mchid"] == m.mchid and query.json()["payer"] == {"sub_openid": pw.openid}
        assert query.json()["sp_appid"] == w.a2.appid and query.json()["sub_appid"] == w.a1.appid
        # The sub-merchant's direct query does not see the provider's order.
        direct = await m.call("GET", f"/v3/pay/transactions/out-trade-no/P20261206000001?mchid={m.mchid}")
        assert direct.status_code == 404
        sub_openid_without_appid = {**partner, "out_trade_no": "P20261206000002"}
        del sub_openid_without_appid["sub_appid"]
        refused = await sp.call("POST", "/v3/pay/partner/transactions/jsapi", sub_openid_without_appid)
        assert refused.status_code == 400 and refused.json()["code"] == "PARAM_ERROR"
        stranger = {**partner, "out_trade_no": "P20261206000003", "sub_mchid": sp.mchid}
        assert (await m.call("POST", "/v3/pay/partner/transactions/jsapi", stranger)).status_code == 400

        # The wallet's view of the partner prepay: paid in the sub app, signed by the provider.
        async with pw.w.app.state.database.session() as session:
            prepay = await service.get_prepay(session, ordered.json()["prepay_id"])
        assert prepay is not None and prepay.appid == w.a1.appid and prepay.mchid == m.mchid
        package = f"prepay_id={prepay.prepay_id}"
        sign = crypto.rsa_sign(
            crypto.load_rsa_private_key(sp.private_key_pem),
            crypto.pay_sign_message(w.a1.appid, "1765000000", "abc", package),
        )
        assert service.pay_sign_valid(prepay, "1765000000", "abc", package, sign)
        assert not service.pay_sign_valid(prepay, "1765000000000", "abc", package, sign)
        assert not service.pay_sign_valid(prepay, "1765000000", "abd", package, sign)

        # Paid, then refunded by the provider for its sub-merchant; the notification goes to the provider.
        db = pw.w.app.state.database
        async with db.session() as session:
            user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
            await ledger.post(
                session, "topup:p", "", [("funding_clearing:sandbox", -990), (f"user_wallet:{user_id}", 990)]
            )
            await service.mark_paid(session, prepay.prepay_id, paid_from=f"user_wallet:{user_id}")
        async with db.session() as session:
            payload = (
                await session.scalars(select(OutboxJob.payload).where(OutboxJob.topic == "payments.notify"))
            ).one()
            provider = await session.scalar(select(Merchant.id).where(Merchant.mchid == sp.mchid))
        assert payload["recipient_id"] == provider and payload["resource"]["sp_mchid"] == sp.mchid
        refund = {
            "sub_mchid": m.mchid,
            "out_trade_no": "P20261206000001",
            "out_refund_no": "PR1",
            "amount": {"refund": 90, "total": 990, "currency": "CNY"},
        }
        assert (await sp.call("POST", "/v3/refund/domestic/refunds", refund)).status_code == 200
        assert (await sp.call("GET", f"/v3/refund/domestic/refunds/PR1?sub_mchid={m.mchid}")).json()[
            "amount"
        ]["refund"] == 90
        own = {k: v for k, v in refund.items() if k != "sub_mchid"} | {"out_refund_no": "PR2"}
        assert (await m.call("POST", "/v3/refund/domestic/refunds", own)).status_code == 404


async def test_the_wallets_prepay_lookup(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        m = pw.merchant
        prepay_id = (await m.call("POST", JSAPI, jsapi_body(pw))).json()["prepay_id"]
        async with pw.w.app.state.database.session() as session:
            prepay = await service.get_prepay(session, prepay_id)
            assert await service.get_prepay(session, "wx-nope") is None
        assert prepay is not None
        assert (prepay.mchid, prepay.appid, prepay.payer_openid, prepay.amount_total) == (
            m.mchid,
            pw.w.a1.appid,
            pw.openid,
            1880,
        )
        assert prepay.merchant_name == "Tea Shop" and prepay.trade_state == "NOTPAY" and not prepay.expired
        package = f"prepay_id={prepay_id}"
        sign = crypto.rsa_sign(
            crypto.load_rsa_private_key(m.private_key_pem),
            crypto.pay_sign_message(pw.w.a1.appid, "1765000000", "n0nce", package),
        )
        assert service.pay_sign_valid(prepay, "1765000000", "n0nce", package, sign)
        # A paySign for another app or another prepay is no good.
        assert not service.pay_sign_valid(prepay, "1765000000", "n0nce", "prepay_id=wxother", sign)
        other_app = crypto.rsa_sign(
            crypto.load_rsa_private_key(m.private_key_pem),
            crypto.pay_sign_message(pw.w.a2.appid, "1765000000", "n0nce", package),
        )
        assert not service.pay_sign_valid(prepay, "1765000000", "n0nce", package, other_app)


async def test_key_rotation_over_the_api(tmp_path: Path, database_url: str) -> None:
    from hutong.server.wechatpay import keys
    from tests.payments.world import APIV3_KEY

    async with pay_world(tmp_path, database_url) as pw:
        m, app = pw.merchant, pw.w.app

        async def published() -> list[str]:
            answer = await m.call("GET", "/v3/certificates")
            assert answer.status_code == 200
            serials = []
            for entry in answer.json()["data"]:
                sealed = entry["encrypt_certificate"]
                pem = crypto.aes_gcm_decrypt(
                    APIV3_KEY.encode(), sealed["nonce"], sealed["ciphertext"], "certificate"
                )
                assert "BEGIN CERTIFICATE" in pem
                serials.append(entry["serial_no"])
            return serials

        (old,) = await published()
        async with app.state.database.session() as session:
            new = await keys.rotate(session)
        app.state.wechatpay_keys.forget()  # as every process does within 30 s
        described = (await pw.w.client.get(f"/api/merchants/{m.mchid}", headers=pw.w.dev_a)).json()
        for key in described["platform_keys"]:  # the merchant learns the new key (certificate refetch)
            m.platform_keys[key["serial_no"]] = key["public_key"]
            m.platform_keys[key["public_key_id"]] = key["public_key"]
        assert await published() == [new.serial_no, old]  # both valid during the rotation
        answer = await m.call("POST", JSAPI, jsapi_body(pw))
        assert answer.headers["Wechatpay-Serial"] == new.serial_no
        async with app.state.database.session() as session:
            assert await keys.retire(session, old)
        app.state.wechatpay_keys.forget()
        assert await published() == [new.serial_no]


async def test_native_orders_are_paid_by_the_first_scanner(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        body = {k: v for k, v in jsapi_body(pw, "N20261206000002").items() if k != "payer"}
        code_url = (await pw.merchant.call("POST", "/v3/pay/transactions/native", body)).json()["code_url"]
        db = pw.w.app.state.database
        async with db.session() as session:
            users = (await session.scalars(select(User.id).order_by(User.id))).all()
            scanner, other = users[-1], users[0]
            prepay = await service.bind_native_payer(session, code_url, scanner)
        assert prepay.payer_user_id == scanner and prepay.payer_openid == pw.openid
        async with db.session() as session:
            assert (await service.bind_native_payer(session, code_url, scanner)).prepay_id == prepay.prepay_id
            try:
                await service.bind_native_payer(session, code_url, other)
                raise AssertionError("another user took the order")
            except service.PaymentError as error:
                assert error.code == "wrong_payer"
        query = await pw.merchant.call(
            "GET", f"/v3/pay/transactions/out-trade-no/N20261206000002?mchid={pw.merchant.mchid}"
        )
        assert query.json()["trade_type"] == "NATIVE" and query.json()["payer"] == {"openid": pw.openid}
