"""wx.addCard / wx.openCard's platform side over HTTP, on SQLite and PostgreSQL: the app's server gets a
wx_card ticket and signs cardExt as WeChat says (SHA1 of the sorted values); the host adds the card for
the signed-in user once per cardExt, the code it answers is opaque until the app's server decrypts
it; a wrong signature, a card signed for another openid, another app's ticket, another app's decrypt
and another user's openCard are refused."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from tests.coupons.world import make_stock
from tests.payments.world import pay_world
from tests.platform.apiclient import token_for


def card_ext(ticket: str, card_id: str, nonce: str, openid: str = "") -> str:
    """What the app's server does (WeChat's card signature), by hand."""
    timestamp = "1765000000"
    values = sorted(v for v in (ticket, timestamp, card_id, openid, nonce) if v)
    signature = hashlib.sha1("".join(values).encode()).hexdigest()
    ext: dict[str, Any] = {"timestamp": timestamp, "nonce_str": nonce, "signature": signature}
    if openid:
        ext["openid"] = openid
    return json.dumps(ext)


async def test_add_and_open_a_card(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w = pw.w
        me = {"X-CSRF-Token": w.csrf}
        stock_id = await make_stock(pw, max_coupons_per_user=2)
        token = (await w.token(w.a1))["access_token"]
        got = (
            await w.client.get("/cgi-bin/ticket/getticket", params={"access_token": token, "type": "wx_card"})
        ).json()
        assert got["errcode"] == 0 and got["expires_in"] == 7200 and len(got["ticket"]) >= 40
        ticket = got["ticket"]
        wrong_type = await w.client.get(
            "/cgi-bin/ticket/getticket", params={"access_token": token, "type": "x"}
        )
        assert wrong_type.json()["errcode"] == 40097

        cards = [{"cardId": stock_id, "cardExt": card_ext(ticket, stock_id, "n1", pw.openid)}]
        body = {"appid": w.a1.appid, "cardList": cards}
        preview = await w.client.post("/api/me/coupons/cards/preview", json=body, headers=me)
        assert preview.status_code == 200, preview.text
        assert preview.json()["cards"][0]["name"] == "到店立减5元"
        added = await w.client.post("/api/me/coupons/cards", json=body, headers=me)
        assert added.status_code == 200, added.text
        [card] = added.json()["cardList"]
        assert (
            card["isSuccess"] is True
            and card["cardId"] == stock_id
            and card["cardExt"] == cards[0]["cardExt"]
        )
        again = (await w.client.post("/api/me/coupons/cards", json=body, headers=me)).json()["cardList"][0]
        assert again["code"] == card["code"]  # the same signed cardExt adds one coupon
        mine = (await w.client.get("/api/me/coupons", headers=me)).json()["coupons"]
        assert len(mine) == 1
        coupon_id = mine[0]["coupon_id"]
        # WeChat's shape: an encrypted code (URL-safe base64), neither the coupon's id nor its code.
        assert re.fullmatch(r"[A-Za-z0-9_-]{40,}={0,2}", card["code"]) and coupon_id not in card["code"]

        # The code is opaque to the page; the app's server decrypts it; another app's server cannot.
        decrypt = "/card/code/decrypt"
        plain = await w.client.post(
            decrypt, params={"access_token": token}, json={"encrypt_code": card["code"]}
        )
        code = (await w.client.get(f"/api/me/coupons/{coupon_id}/code", headers=me)).json()["code"]
        assert plain.json() == {"errcode": 0, "errmsg": "ok", "code": code} and code not in card["code"]
        # A changed code, or the coupon's id itself, does not decrypt.
        flipped = card["code"][:-4] + ("AAAA" if card["code"][-4:] != "AAAA" else "BBBB")
        for wrong in (flipped, coupon_id):
            refused = await w.client.post(
                decrypt, params={"access_token": token}, json={"encrypt_code": wrong}
            )
            assert refused.json()["errcode"] == 40056, wrong
        other_token = (await w.token(w.a2))["access_token"]
        foreign = await w.client.post(
            decrypt, params={"access_token": other_token}, json={"encrypt_code": card["code"]}
        )
        assert foreign.json()["errcode"] == 40056

        opened = await w.client.get(
            f"/api/me/coupons/cards/{w.a1.appid}/{stock_id}/{card['code']}", headers=me
        )
        assert opened.status_code == 200 and opened.json()["coupon_id"] == coupon_id
        assert (
            await w.client.get(f"/api/me/coupons/cards/{w.a1.appid}/{stock_id}/{coupon_id}", headers=me)
        ).status_code == 404  # wx.openCard takes the encrypted code, not the id
        assert (
            await w.client.get(f"/api/me/coupons/cards/{w.a2.appid}/{stock_id}/{card['code']}", headers=me)
        ).status_code == 404

        # Refused: a wrong signature, a card signed for another openid, another app's ticket.
        bad = [{"cardId": stock_id, "cardExt": card_ext("not-the-ticket", stock_id, "n2")}]
        answer = await w.client.post("/api/me/coupons/cards", json={**body, "cardList": bad}, headers=me)
        assert answer.status_code == 403 and answer.json()["code"] == "card_signature_error"
        theirs = [{"cardId": stock_id, "cardExt": card_ext(ticket, stock_id, "n3", "someone-else")}]
        answer = await w.client.post("/api/me/coupons/cards", json={**body, "cardList": theirs}, headers=me)
        assert answer.json()["code"] == "card_openid_mismatch"
        a2_ticket = (
            await w.client.get(
                "/cgi-bin/ticket/getticket", params={"access_token": other_token, "type": "wx_card"}
            )
        ).json()["ticket"]
        assert a2_ticket != ticket
        crossed = [{"cardId": stock_id, "cardExt": card_ext(a2_ticket, stock_id, "n4")}]
        answer = await w.client.post("/api/me/coupons/cards", json={**body, "cardList": crossed}, headers=me)
        assert answer.json()["code"] == "card_signature_error"
        # A stock of a merchant the app is not bound to is no card of this app.
        elsewhere = [{"cardId": stock_id, "cardExt": card_ext(a2_ticket, stock_id, "n5")}]
        answer = await w.client.post(
            "/api/me/coupons/cards", json={"appid": w.a2.appid, "cardList": elsewhere}, headers=me
        )
        assert answer.json()["code"] == "card_not_found"

        # Another user: cannot open the first user's card, nor reuse a cardExt the first user added.
        other = await token_for(w.client, "other@example.com")
        assert (
            await w.client.get(f"/api/me/coupons/cards/{w.a1.appid}/{stock_id}/{card['code']}", headers=other)
        ).status_code == 404
        unsigned = [{"cardId": stock_id, "cardExt": card_ext(ticket, stock_id, "n1")}]
        replay = await w.client.post(
            "/api/me/coupons/cards", json={**body, "cardList": unsigned}, headers=other
        )
        # (a cardExt without openid is anyone's, but one signed nonce adds one coupon, the first user's)
        assert replay.status_code == 200, replay.text
        assert (
            replay.json()["cardList"][0]["isSuccess"] is False and replay.json()["cardList"][0]["code"] == ""
        )
