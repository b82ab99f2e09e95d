"""A shop's Native order (扫码支付) paid from the wallet, on SQLite and PostgreSQL: the shop's server makes
the order (code_url), the user scans it (POST /api/me/wallet/native: the order becomes theirs, the
answer is what the confirmation shows), pays it with the PIN; the shop's query says SUCCESS, the wallet
is debited once and its history names the merchant; a wrong PIN, a second payment, a made-up code and
another user's scan of a taken order pay nothing."""

from __future__ import annotations

from pathlib import Path

import httpx

from hutong.server.db import Database
from tests.payments.test_money import _balance, _fund, _user_id
from tests.payments.world import jsapi_body, pay_world

PIN = "258036"


async def test_a_scanned_native_order_is_paid_with_the_pin(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, m = pw.w, pw.merchant
        db: Database = w.app.state.database
        user_id = await _user_id(db)
        await _fund(db, user_id, 5000)
        me = {"X-CSRF-Token": w.csrf}
        assert (
            await w.client.put("/api/me/wallet/pin", json={"pin": PIN, "password": "long enough"}, headers=me)
        ).status_code == 204
        body = jsapi_body(pw, "N20261206000001", 1280)
        del body["payer"]
        made = await m.call("POST", "/v3/pay/transactions/native", body)
        assert made.status_code == 200, made.text
        code_url = made.json()["code_url"]

        scanned = await w.client.post("/api/me/wallet/native", json={"code_url": code_url}, headers=me)
        assert scanned.status_code == 200, scanned.text
        shown = scanned.json()
        assert (shown["merchant_name"], shown["amount_fen"], shown["description"]) == (
            "Tea Shop",
            1280,
            "珍珠奶茶 x1",
        )
        pay_path = f"/api/me/wallet/native/{shown['transaction_id']}/pay"
        wrong = await w.client.post(pay_path, json={"pin": "000001"}, headers=me)
        assert wrong.status_code in (401, 403, 422), wrong.text
        assert await _balance(db, f"user_wallet:{user_id}") == 5000
        paid = await w.client.post(pay_path, json={"pin": PIN}, headers=me)
        assert paid.status_code == 200, paid.text
        assert paid.json() == {"paid": True, "balance_fen": 5000 - 1280}
        again = await w.client.post(pay_path, json={"pin": PIN}, headers=me)
        assert again.status_code == 409 and again.json()["code"] == "order_paid"
        assert await _balance(db, f"user_wallet:{user_id}") == 5000 - 1280
        query = await m.call("GET", f"/v3/pay/transactions/out-trade-no/N20261206000001?mchid={m.mchid}")
        assert query.json()["trade_state"] == "SUCCESS" and query.json()["payer"]["openid"] == pw.openid
        history = (await w.client.get("/api/me/wallet/history")).json()
        assert (history[0]["kind"], history[0]["amount_fen"]) == ("payment", -1280)
        assert history[0]["detail"].endswith(" · Tea Shop")
        # Scanning a paid order again shows nothing to pay.
        rescanned = await w.client.post("/api/me/wallet/native", json={"code_url": code_url}, headers=me)
        assert rescanned.status_code == 409 and rescanned.json()["code"] == "order_not_payable"

        made_up = "weixin://wxpay/bizpayurl?pr=AAAAAAAAAAAA"
        assert (
            await w.client.post("/api/me/wallet/native", json={"code_url": made_up}, headers=me)
        ).status_code == 404
        assert (
            await w.client.post(
                "/api/me/wallet/native", json={"code_url": "https://evil.example/"}, headers=me
            )
        ).status_code == 422

        # Another user scanning an order this user has taken gets nothing; nor can they pay it.
        body = {**body, "out_trade_no": "N20261206000002"}
        second = (await m.call("POST", "/v3/pay/transactions/native", body)).json()["code_url"]
        taken = await w.client.post("/api/me/wallet/native", json={"code_url": second}, headers=me)
        assert taken.status_code == 200
        transport = httpx.ASGITransport(app=w.app, client=("127.0.0.1", 4344))
        async with httpx.AsyncClient(transport=transport, base_url=str(w.client.base_url)) as other:
            signed = await other.post(
                "/api/accounts/signup", json={"email": "other@example.com", "password": "long enough"}
            )
            them = {"X-CSRF-Token": signed.json()["csrf_token"]}
            refused = await other.post("/api/me/wallet/native", json={"code_url": second}, headers=them)
            assert refused.status_code == 409 and refused.json()["code"] == "order_taken"
            stolen = await other.post(
                f"/api/me/wallet/native/{taken.json()['transaction_id']}/pay", json={"pin": PIN}, headers=them
            )
            assert stolen.status_code == 404
