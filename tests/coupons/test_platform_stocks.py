"""Platform-funded vouchers over HTTP, on SQLite and PostgreSQL: only an operator makes one; starting it
locks its budget from the platform's marketing account (no merchant's money); it is sent to a user by
appid and openid; a payment to a merchant it names uses it, the merchant still receives the whole
order from the stock's budget and promotion_detail shows WeChat Pay's contribution; a stock that names
other merchants does not apply; no merchant can query it; its COUPON.USE goes, signed and encrypted,
to the callback an admin operator set; stopping it gives the rest back; and the operators' console
page makes, starts, sends and pauses one, showing its budget."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from hutong.server import outbox
from hutong.server.accounts.service import set_operator_role
from hutong.server.payments.ids import now, rfc3339
from hutong.server.wechatpay import crypto
from tests.payments.receiver import receiver
from tests.payments.test_console_pages import browser_session, notice
from tests.payments.world import APIV3_KEY, pay_world
from tests.platform.apiclient import token_for
from tests.wallet.conftest import bank
from tests.wallet.test_checkout import Shop
from tests.wallet.test_voucher_checkout import _balance, _db, _decrypt, _order, _pay, shop

__all__ = ["bank", "shop"]
STOCKS = "/api/operator/coupon-stocks"
CALLBACKS = "/api/operator/coupon-callbacks"


def _body(number: str, available: list[str]) -> dict[str, Any]:
    begin = now() - timedelta(minutes=1)
    return {
        "stock_name": "平台满10减3",
        "available_begin_time": rfc3339(begin),
        "available_end_time": rfc3339(begin + timedelta(days=30)),
        "stock_use_rule": {"max_coupons": 10, "max_amount": 3_000, "max_coupons_per_user": 5},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000}},
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": number,
        "available_merchants": available,
    }


async def test_a_platform_voucher_pays_part_of_a_merchants_order(shop: Shop) -> None:
    client, mchid = shop.client, shop.pw.merchant.mchid
    refused = await client.post(STOCKS, json=_body("P1", [mchid]), headers=shop.pw.w.dev_a)
    assert refused.status_code == 403 and refused.json()["code"] == "operators_only"
    signed_in = httpx.Cookies(client.cookies)  # token_for signs the payer's cookie out: keep it
    operator = await token_for(client, "operator@example.com")
    client.cookies = signed_in
    async with _db(shop).session() as session:
        await set_operator_role(session, "operator@example.com", "admin")
        await session.commit()

    # One body sent twice: _body's times move with the clock, and a replay must be the same body.
    first = _body("P1", [mchid])
    made = await client.post(STOCKS, json=first, headers=operator)
    assert made.status_code == 201, made.text
    stock_id = made.json()["stock_id"]
    assert made.json()["state"] == "draft" and made.json()["funded_by"] == "platform"
    assert (await client.post(STOCKS, json=first, headers=operator)).json()["stock_id"] == stock_id
    elsewhere = (await client.post(STOCKS, json=_body("P2", ["1999999999"]), headers=operator)).json()
    for made_id in (stock_id, elsewhere["stock_id"]):
        started = await client.post(f"{STOCKS}/{made_id}/start", headers=operator)
        assert started.status_code == 200 and started.json()["state"] == "running", started.text
    assert await _balance(shop, "platform_marketing") == -6_000
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 3_000
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 0

    # No merchant owns it.
    query = f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}"
    assert (await shop.pw.merchant.call("GET", query)).status_code == 404

    async def send(stock: str, number: str) -> str:
        body = {"appid": shop.pw.w.a1.appid, "openid": shop.pw.openid, "out_request_no": number}
        sent = await client.post(f"{STOCKS}/{stock}/send", json=body, headers=operator)
        assert sent.status_code == 200, sent.text
        return str(sent.json()["coupon_id"])

    mine, theirs = await send(stock_id, "S1"), await send(elsewhere["stock_id"], "S2")
    await shop.top_up(5_000)
    out_trade_no, params = await _order(shop, 1_880)
    offered = (await shop.preview(params)).json()["coupons"]
    assert [offer["coupon_id"] for offer in offered] == [mine]  # not the other merchants' stock
    wrong = await _pay(shop, params, theirs)
    assert wrong.status_code == 409 and wrong.json()["code"] == "coupon_not_applicable"
    with receiver(lambda headers, body: (204, b"")) as endpoint:
        # The stock's creator is the platform: its COUPON.USE goes where an admin operator said.
        where = {"notify_url": endpoint.url, "apiv3_key": APIV3_KEY}
        assert (await client.put(CALLBACKS, json=where, headers=shop.pw.w.dev_a)).status_code == 403
        assert (
            await client.put(CALLBACKS, json={**where, "apiv3_key": "short"}, headers=operator)
        ).status_code == 422
        set_up = await client.put(CALLBACKS, json=where, headers=operator)
        assert set_up.status_code == 200 and set_up.json()["apiv3_key_set"] is True, set_up.text
        assert "apiv3_key" not in (await client.get(CALLBACKS, headers=operator)).json()
        paid = await _pay(shop, params, mine)
        assert paid.status_code == 200, paid.text
        worker = outbox.Worker(_db(shop), shop.pw.w.app.state.settings, topics={"coupons.notify"})
        assert await worker.run_once() == 1
        [arrived] = endpoint.received
    # Signed like a payment notification (the platform's key by its serial), encrypted under the key set.
    public = crypto.load_rsa_public_key(shop.pw.merchant.platform_keys[arrived.headers["Wechatpay-Serial"]])
    message = crypto.response_message(
        arrived.headers["Wechatpay-Timestamp"], arrived.headers["Wechatpay-Nonce"], arrived.body.decode()
    )
    assert crypto.rsa_verify(public, message, arrived.headers["Wechatpay-Signature"])
    note = _decrypt(arrived.body)
    assert (note["event_type"], note["stock_id"], note["coupon_id"], note["status"]) == (
        "COUPON.USE", stock_id, mine, "USED"
    )  # fmt: skip
    assert note["stock_creator_mchid"] == "" and note["consume_information"]["consume_mchid"] == mchid
    assert await shop.balance() == 5_000 - 1_580
    assert await _balance(shop, f"merchant_pending:{mchid}") == 1_880  # the whole order
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 2_700
    transaction = (
        await shop.pw.merchant.call("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}")
    ).json()
    [detail] = transaction["promotion_detail"]
    assert (detail["wechatpay_contribute"], detail["merchant_contribute"], detail["amount"]) == (300, 0, 300)

    stopped = await client.post(f"{STOCKS}/{stock_id}/stop", headers=operator)
    assert stopped.status_code == 200 and stopped.json()["state"] == "stopped"
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 0
    assert await _balance(shop, "platform_marketing") == -3_000 - 300
    listed = (await client.get(STOCKS, headers=operator)).json()
    assert {row["stock_id"]: row["used"] for row in listed} == {stock_id: 1, elsewhere["stock_id"]: 0}
    budgets = {row["stock_id"]: (row["budget_fen"], row["budget_left_fen"]) for row in listed}
    assert budgets == {stock_id: (3_000, 0), elsewhere["stock_id"]: (3_000, 3_000)}


async def test_a_platform_stock_names_stores_that_exist(shop: Shop) -> None:
    """available_stores of a platform stock: an id that is no store, or a store of a merchant the stock
    is not open to, is refused with a stable code and nothing is made; a real store is kept."""
    client, mchid, dev = shop.client, shop.pw.merchant.mchid, shop.pw.w.dev_a
    store = (
        await client.post(f"/api/merchants/{mchid}/stores", json={"name": "Wudaokou"}, headers=dev)
    ).json()
    signed_in = httpx.Cookies(client.cookies)
    operator = await token_for(client, "operator@example.com")
    client.cookies = signed_in
    async with _db(shop).session() as session:
        await set_operator_role(session, "operator@example.com", "admin")
        await session.commit()

    def at(number: str, available: list[str], *stores: int) -> dict[str, Any]:
        body = _body(number, available)
        body["coupon_use_rule"]["available_stores"] = list(stores)
        return body

    missing = await client.post(STOCKS, json=at("PS1", [], store["id"], 999_999), headers=operator)
    assert missing.status_code == 422 and missing.json()["code"] == "store_not_found", missing.text
    foreign = await client.post(STOCKS, json=at("PS2", ["1999999999"], store["id"]), headers=operator)
    assert foreign.status_code == 422 and foreign.json()["code"] == "store_not_available", foreign.text
    assert (await client.get(STOCKS, headers=operator)).json() == []
    for number, available in (("PS3", [mchid]), ("PS4", [])):
        made = await client.post(STOCKS, json=at(number, available, store["id"]), headers=operator)
        assert made.status_code == 201, made.text
        assert made.json()["coupon_use_rule"]["available_stores"] == [store["id"]]


async def test_the_operators_console_page(tmp_path: Path, database_url: str) -> None:
    """Make, start, send and pause a platform stock with the console's forms; the page shows the
    budget, what is left of it and the platform's marketing account; only operators see it."""
    async with pay_world(tmp_path, database_url) as pw, browser_session(pw, "ops@example.com") as (ops, csrf):
        page = "/console/operator/coupons"
        assert (await ops.get(page)).status_code == 403
        async with pw.w.app.state.database.session() as session:
            await set_operator_role(session, "ops@example.com", "admin")
            await session.commit()
        made = await ops.post(
            page,
            data={"csrf_token": csrf, "name": "平台立减3元", "amount": "3", "minimum": "10",
                  "max_coupons": "10", "per_user": "2", "days": "30", "merchants": pw.merchant.mchid},
        )  # fmt: skip
        assert "made as a draft" in notice(made), notice(made)
        stock_id = notice(made).split()[2]
        forged = await ops.post(f"{page}/{stock_id}/start", data={})
        assert forged.status_code in (303, 403) and "draft" in (await ops.get(f"{STOCKS}")).text
        assert notice(await ops.post(f"{page}/{stock_id}/start", data={"csrf_token": csrf})).endswith(
            "running"
        )
        sent = await ops.post(
            f"{page}/{stock_id}/send",
            data={"csrf_token": csrf, "appid": pw.w.a1.appid, "openid": pw.openid, "out_request_no": "C1"},
        )
        assert notice(sent).startswith("voucher "), notice(sent)
        unknown = await ops.post(
            f"{page}/{stock_id}/send",
            data={"csrf_token": csrf, "appid": pw.w.a1.appid, "openid": "nobody", "out_request_no": "C2"},
        )
        assert notice(unknown).startswith("error: no such openid")
        shown = (await ops.get(page)).text
        row = shown[shown.index(f'data-stock-id="{stock_id}"') :]
        assert re.search(r'class="stock-state">running<', row) and re.search(
            r'stock-counts">1 / 0 / 10<', row
        )
        assert re.search(r'stock-budget">¥30\.00<', row) and re.search(r'stock-budget-left">¥30\.00<', row)
        assert re.search(r'id="marketing-balance">¥-30\.00<', shown), shown[
            shown.index("marketing-balance") :
        ][:80]
        assert pw.merchant.mchid in row and "¥3.00 off ¥10.00+" in row
        assert notice(await ops.post(f"{page}/{stock_id}/pause", data={"csrf_token": csrf})).endswith(
            "paused"
        )
        saved = await ops.post(
            f"{page}/callbacks",
            data={"csrf_token": csrf, "notify_url": "https://ops.example.com/coupon", "apiv3_key": APIV3_KEY},
        )
        assert notice(saved) == "COUPON.USE of platform stocks goes to https://ops.example.com/coupon"
        assert 'id="callback-url">https://ops.example.com/coupon<' in (await ops.get(page)).text
