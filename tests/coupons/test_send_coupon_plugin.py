"""The send-coupon plugin's platform side over HTTP, on SQLite and PostgreSQL: parameters signed with the
merchant's key claim once per out_request_no for the user the host names; a wrong sign, an unbound
app, another user replaying the same signed parameters, the per-user limit and a page calling
cross-site are each refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hutong.server.coupons import plugin
from tests.coupons.world import make_stock
from tests.payments.world import APIV3_KEY, pay_world
from tests.platform.apiclient import token_for

PREVIEW = "/api/me/coupons/send-coupon/preview"
CLAIM = "/api/me/coupons/send-coupon"


def signed(appid: str, mchid: str, params: list[dict[str, str]], key: str = APIV3_KEY) -> dict[str, Any]:
    """What the merchant's server hands the page (and the host then sends here, with the app's appid)."""
    return {
        "appid": appid,
        "send_coupon_params": params,
        "send_coupon_merchant": mchid,
        "sign": plugin.sign(params, mchid, key),
    }


def test_the_sign_is_wechat_pays_v2_hmac() -> None:
    # Worked by hand: the sorted fields, &key=, HMAC-SHA256 under the key, uppercase hex.
    import hashlib
    import hmac

    text = "out_request_no0=R1&send_coupon_merchant=1900000001&stock_id0=1200000001&key=" + APIV3_KEY
    expected = hmac.new(APIV3_KEY.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    assert (
        plugin.sign([{"stock_id": "1200000001", "out_request_no": "R1"}], "1900000001", APIV3_KEY) == expected
    )


async def test_signed_parameters_claim_once_for_the_user(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid = pw.w, pw.merchant.mchid
        me = {"X-CSRF-Token": w.csrf}
        stock_id = await make_stock(pw)
        first = [{"stock_id": stock_id, "out_request_no": "MINI-1"}]
        body = signed(w.a1.appid, mchid, first)

        preview = await w.client.post(PREVIEW, json=body, headers=me)
        assert preview.status_code == 200, preview.text
        assert preview.json()["coupons"][0]["name"] == "到店立减5元"
        assert preview.json()["coupons"][0]["available"] is True

        claimed = await w.client.post(CLAIM, json=body, headers=me)
        assert claimed.status_code == 200, claimed.text
        [result] = claimed.json()["send_coupon_result"]
        assert claimed.json()["errcode"] == "OK"
        assert result["code"] == "SUCCESS" and result["stock_id"] == stock_id
        assert result["out_request_no"] == "MINI-1" and len(result["coupon_code"]) == 26
        again = (await w.client.post(CLAIM, json=body, headers=me)).json()["send_coupon_result"][0]
        assert again["code"] == "SUCCESS" and again["coupon_code"] == result["coupon_code"]
        mine = (await w.client.get("/api/me/coupons", headers=me)).json()["coupons"]
        assert [c["coupon_id"] for c in mine] == [result["coupon_id"]]

        # The merchant sees it as a mini program claim.
        listed = await pw.merchant.call(
            "GET", f"/v3/marketing/busifavor/users/{pw.openid}/coupons?appid={w.a1.appid}"
        )
        assert [c["coupon_code"] for c in listed.json()["data"]] == [result["coupon_code"]]

        # A second number for the same stock: the per-user limit (1).
        second = signed(w.a1.appid, mchid, [{"stock_id": stock_id, "out_request_no": "MINI-2"}])
        refused = (await w.client.post(CLAIM, json=second, headers=me)).json()["send_coupon_result"][0]
        assert refused["code"] == "MAXQUOTA" and "coupon_code" not in refused  # WeChat's documented code

        # Forged: a wrong key, or parameters changed after signing.
        forged = signed(w.a1.appid, mchid, first, key="x" * 32)
        assert (await w.client.post(CLAIM, json=forged, headers=me)).json()["code"] == "sign_error"
        tampered = {**body, "send_coupon_params": [{"stock_id": stock_id, "out_request_no": "MINI-3"}]}
        assert (await w.client.post(CLAIM, json=tampered, headers=me)).status_code == 403
        unknown = {**body, "send_coupon_merchant": "1999999999"}
        assert (await w.client.post(PREVIEW, json=unknown, headers=me)).json()["code"] == "sign_error"
        # An app the merchant has not bound (the host names the app that asked).
        foreign = signed(w.b1.appid, mchid, first)
        answer = await w.client.post(CLAIM, json=foreign, headers=me)
        assert answer.status_code == 403 and answer.json()["code"] == "app_not_bound"
        # Only the host's own page may ask.
        framed = await w.client.post(CLAIM, json=body, headers={**me, "Sec-Fetch-Site": "cross-site"})
        assert framed.status_code == 403

        # Another user replaying the same signed parameters gets nothing of the first user's.
        other = await token_for(w.client, "other@example.com")
        replay = (await w.client.post(CLAIM, json=body, headers=other)).json()["send_coupon_result"][0]
        assert replay["code"] == "FAILED" and "coupon_code" not in replay
        assert replay["message"].startswith("out_request_no 已被其他用户使用")
        assert (await w.client.get("/api/me/coupons", headers=other)).json()["coupons"] == []
        stock = await pw.merchant.call("GET", f"/v3/marketing/busifavor/stocks/{stock_id}")
        assert stock.json()["send_count_information"]["total_send_num"] == 1
