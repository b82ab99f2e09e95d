"""The coupon APIs at WeChat Pay's paths over HTTP, on SQLite and PostgreSQL: stocks made idempotently
on out_request_no, sent to an openid, listed, used once (idempotent use_request_no), returned and
deactivated; signed requests and answers; refusals with WeChat's codes; the COUPON.SEND callback
through the outbox to a real loopback endpoint, verified and decrypted by the PyPI SDK."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wechatpayv3 import WeChatPay, WeChatPayType

from hutong.server import outbox
from hutong.server.coupons import guesses
from tests.coupons.world import STOCKS, busifavor_body, fund_marketing, send
from tests.payments.receiver import receiver
from tests.payments.world import APIV3_KEY, PayWorld, new_merchant, pay_world

USE = "/v3/marketing/busifavor/coupons/use"
LOOPBACK = "127.0.0.0/8"
CALLBACKS = "/v3/marketing/busifavor/callbacks"


async def test_stock_send_query_use_return(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
        m = pw.merchant
        seen: list[dict[str, Any]] = []
        ring = await pw.w.app.state.wechatpay_keys.ring()
        with receiver(_merchant_server(pw, ring, seen)) as endpoint:
            url = endpoint.url.replace("/pay/notify", "/coupon/notify")
            set_url = await m.call("POST", CALLBACKS, {"mchid": m.mchid, "notify_url": url})
            assert set_url.status_code == 200 and set_url.json()["notify_url"] == url
            got = await m.call("GET", f"{CALLBACKS}?mchid={m.mchid}")
            assert got.json() == {"notify_url": url, "mchid": m.mchid}
            code, stock_id = await _lifecycle(pw)
            worker = outbox.Worker(
                pw.w.app.state.database, pw.w.app.state.settings, topics={"coupons.notify"}
            )
            assert await worker.run_once() == 1
        # The claim called the merchant back: COUPON.SEND, signed and encrypted like payment notifications.
        assert len(seen) == 1 and seen[0]["event_type"] == "COUPON.SEND"
        resource = seen[0]["resource"]
        assert resource["event_type"] == "EVENT_TYPE_BUSICOUPON_SEND" and resource["stock_id"] == stock_id
        assert resource["openid"] == pw.openid and resource["coupon_code"] == code
        assert resource["send_channel"] == "BUSICOUPON_SEND_CHANNEL_API"

        # Guessing codes: past guesses.GUESSES wrong codes, even a right one is refused for a while.
        await send(pw, stock_id, "R0009", openid=str((await pw.w.login(pw.w.a1))["openid"]))
        use: dict[str, Any] = {
            "stock_id": stock_id,
            "appid": pw.w.a1.appid,
            "use_time": "2026-12-06T12:00:00+08:00",
        }
        # One wrong code was tried above (the "missing" one); the rest of the budget goes here.
        for n in range(guesses.GUESSES - 1):
            wrong = await m.call("POST", USE, {**use, "coupon_code": f"{n:026d}", "use_request_no": f"G{n}"})
            assert wrong.status_code == 404, n
        right = await m.call("POST", USE, {**use, "coupon_code": code, "use_request_no": "OK1"})
        assert right.status_code == 429 and right.json()["code"] == "FREQUENCY_LIMITED"


def _merchant_server(pw: PayWorld, ring: Any, seen: list[dict[str, Any]]) -> Any:
    """The merchant's callback endpoint, verifying and decrypting with the PyPI SDK."""
    sdk = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid=pw.merchant.mchid,
        private_key=pw.merchant.private_key_pem,
        cert_serial_no=pw.merchant.serial_no,
        appid=pw.w.a1.appid,
        apiv3_key=APIV3_KEY,
        public_key=ring.signer.public_key_pem,
        public_key_id=ring.signer.public_key_id,
    )

    def decide(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        result = sdk.callback(headers, body)
        assert result is not None, "the signature must verify and the resource decrypt"
        seen.append(result)
        return 204, b""

    return decide


async def _lifecycle(pw: PayWorld) -> tuple[str, str]:
    m = pw.merchant
    body = busifavor_body()
    body["belong_merchant"] = m.mchid
    made = await m.call("POST", STOCKS, body)
    assert made.status_code == 200, made.text
    stock_id = made.json()["stock_id"]
    assert set(made.json()) == {"stock_id", "create_time"}
    # The same out_request_no and body is the same stock; another body is refused.
    assert (await m.call("POST", STOCKS, body)).json()["stock_id"] == stock_id
    changed = await m.call("POST", STOCKS, {**body, "stock_name": "另一个"})
    assert changed.status_code == 400 and changed.json()["code"] == "INVALID_REQUEST"
    for bad, field in (
        ({**body, "out_request_no": "x1", "stock_type": "FREE"}, "stock_type"),
        ({**body, "out_request_no": "x2", "coupon_code_mode": "GUESS"}, "coupon_code_mode"),
        ({**body, "out_request_no": "x3", "stock_send_rule": {"max_coupons": 1.5}}, None),
        ({**body, "out_request_no": "x4", "stock_name": "x" * 22}, "stock_name"),
    ):
        refused = await m.call("POST", STOCKS, bad)
        assert refused.status_code == 400 and refused.json()["code"] == "PARAM_ERROR", refused.text
        if field:
            assert refused.json()["detail"]["field"] == field

    query = await m.call("GET", f"{STOCKS}/{stock_id}")
    assert query.status_code == 200
    stock = query.json()
    assert stock["stock_state"] == "RUNNING" and stock["belong_merchant"] == m.mchid
    assert stock["coupon_use_rule"]["fixed_normal_coupon"] == {
        "discount_amount": 500,
        "transaction_minimum": 2000,
    }
    assert stock["stock_send_rule"]["max_coupons"] == 100

    sent = await send(pw, stock_id, "R0001")
    assert sent.status_code == 200, sent.text
    coupon_id = sent.json()["coupon_id"]
    assert (await send(pw, stock_id, "R0001")).json()["coupon_id"] == coupon_id  # idempotent
    limit = await send(pw, stock_id, "R0002")  # one per user
    assert limit.status_code == 400 and limit.json()["code"] == "INVALID_REQUEST"
    stranger = await send(pw, stock_id, "R0003", openid="o" * 28)
    assert stranger.status_code == 400 and stranger.json()["code"] == "OPENID_MISMATCH"

    listed = await m.call(
        "GET", f"/v3/marketing/busifavor/users/{pw.openid}/coupons?appid={pw.w.a1.appid}&limit=10"
    )
    assert listed.status_code == 200 and listed.json()["total_count"] == 1
    coupon = listed.json()["data"][0]
    code = coupon["coupon_code"]
    assert coupon["coupon_state"] == "SENDED" and coupon["stock_id"] == stock_id
    assert len(code) == 26 and code.isdigit() and coupon["send_request_no"] == "R0001"
    one = await m.call(
        "GET", f"/v3/marketing/busifavor/users/{pw.openid}/coupons/{code}/appids/{pw.w.a1.appid}"
    )
    assert one.json()["coupon_code"] == code

    use = {
        "coupon_code": code,
        "stock_id": stock_id,
        "appid": pw.w.a1.appid,
        "use_time": "2026-12-06T12:00:00+08:00",
        "use_request_no": "U0001",
    }
    used = await m.call("POST", USE, use)
    assert used.status_code == 200, used.text
    assert used.json()["openid"] == pw.openid and used.json()["stock_id"] == stock_id
    # The same use_request_no again answers the same redemption; another is refused.
    again = await m.call("POST", USE, use)
    assert again.status_code == 200 and again.json() == used.json()
    twice = await m.call("POST", USE, {**use, "use_request_no": "U0002"})
    assert twice.status_code == 400 and "券已被其他订单核销" in twice.json()["message"]
    missing = await m.call("POST", USE, {**use, "coupon_code": "1" * 26, "use_request_no": "U0003"})
    assert missing.status_code == 404 and missing.json()["code"] == "RESOURCE_NOT_EXISTS"

    # Returned (its order refunded): usable again, once more.
    back = {"coupon_code": code, "stock_id": stock_id, "return_request_no": "B0001"}
    returned = await m.call("POST", "/v3/marketing/busifavor/coupons/return", back)
    assert returned.status_code == 200 and "wechatpay_return_time" in returned.json()
    assert (await m.call("POST", USE, {**use, "use_request_no": "U0004"})).status_code == 200
    # Another merchant cannot see or use this merchant's stock and coupons.
    other = await new_merchant(pw.w, pw.w.dev_a, pw.org_a, [pw.w.a1.appid])
    assert (await other.call("GET", f"{STOCKS}/{stock_id}")).status_code == 404
    foreign = await other.call("POST", USE, {**use, "use_request_no": "U0005"})
    assert foreign.status_code == 404
    # Deactivating only a coupon not used.
    off = {"coupon_code": code, "stock_id": stock_id, "deactivate_request_no": "D0001"}
    refused = await m.call("POST", "/v3/marketing/busifavor/coupons/deactivate", off)
    assert refused.status_code == 400
    # Unsigned or badly signed calls never get in.
    naked = await pw.w.client.post(USE, json=use)
    assert naked.status_code == 401 and naked.json()["code"] == "SIGN_ERROR"
    return str(code), str(stock_id)


async def test_vouchers_start_pause_and_send(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        m = pw.merchant
        body = {
            "stock_name": "满20减3",
            "belong_merchant": m.mchid,
            "available_begin_time": "2026-01-01T00:00:00+08:00",
            "available_end_time": "2026-03-01T00:00:00+08:00",
            "stock_use_rule": {"max_coupons": 10, "max_amount": 3000, "max_coupons_per_user": 1},
            "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 2000}},
            "no_cash": False,
            "stock_type": "NORMAL",
            "out_request_no": "F0001",
        }
        too_long = await m.call(
            "POST",
            "/v3/marketing/favor/coupon-stocks",
            {**body, "available_end_time": "2026-06-01T00:00:00+08:00"},
        )
        assert too_long.status_code == 400  # at most 90 days
        from datetime import timedelta

        from hutong.server.payments.ids import now, rfc3339

        body["available_begin_time"] = rfc3339(now() - timedelta(minutes=1))
        body["available_end_time"] = rfc3339(now() + timedelta(days=30))
        made = await m.call("POST", "/v3/marketing/favor/coupon-stocks", body)
        assert made.status_code == 200, made.text
        stock_id = made.json()["stock_id"]
        detail = f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={m.mchid}"
        assert (await m.call("GET", detail)).json()["status"] == "unactivated"
        early = await send(pw, stock_id, "V0001")
        assert early.status_code == 400  # not started yet
        creator = {"stock_creator_mchid": m.mchid}
        # Starting locks the budget (3.00 × 10) from the marketing account: refused until it is there.
        short = await m.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/start", creator)
        assert short.status_code == 403 and short.json()["code"] == "NOT_ENOUGH"
        assert (await m.call("GET", detail)).json()["status"] == "unactivated"
        await fund_marketing(pw.w.app.state.database, m.mchid, 3_000)
        started = await m.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/start", creator)
        assert started.status_code == 200 and started.json()["stock_id"] == stock_id
        assert (
            await m.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/start", creator)
        ).status_code == 200
        paused = await m.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/pause", creator)
        assert paused.status_code == 200
        assert (await send(pw, stock_id, "V0002")).status_code == 400
        await m.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/restart", creator)
        sent = await send(pw, stock_id, "V0003")
        assert sent.status_code == 200, sent.text
        coupon_id = sent.json()["coupon_id"]
        got = await m.call(
            "GET", f"/v3/marketing/favor/users/{pw.openid}/coupons/{coupon_id}?appid={pw.w.a1.appid}"
        )
        assert got.json()["status"] == "SENDED" and got.json()["normal_coupon_information"] == {
            "coupon_amount": 300,
            "transaction_minimum": 2000,
        }
        listed = await m.call("GET", f"/v3/marketing/favor/users/{pw.openid}/coupons?appid={pw.w.a1.appid}")
        assert listed.json()["total_count"] == 1
        assert (await m.call("GET", detail)).json()["distributed_coupons"] == 1
