"""Sharing over HTTP, on SQLite and PostgreSQL: a share made on the host's sheet becomes a card in the
group (heard live through the hub), the card opens with scene 1044 and a shareTicket, and the app's
server decrypts the same openGId for sharer and opener with wechatpy's WeChatWxaCrypto (PyPI,
unchanged) under each user's session_key; openGIds differ per app; tickets cannot be forged or
borrowed; the share's counts (1 open, 1 new user) reach the developer by openid; a link gets an Open
Graph preview page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image
from wechatpy.crypto import WeChatWxaCrypto

from hutong.server.chats.hub import Hub
from tests.chats.people import Person, befriend, person
from tests.identity.world import RegisteredApp, World, world


async def login(w: World, who: Person, app: RegisteredApp) -> dict[str, Any]:
    """wx.login in the host, then code2session on the app's server."""
    code = (await who.post("/api/identity/login", {"appid": app.appid}, status=200))["code"]
    return await w.exchange(app, code)


def decrypt(session_key: str, info: dict[str, str], appid: str) -> dict[str, Any]:
    data: dict[str, Any] = WeChatWxaCrypto(session_key, info["iv"], appid).decrypt_message(
        info["encryptedData"]
    )
    return data


async def test_group_share_ticket_open_gid_and_counts(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        a = await person(w.client._transport, "alice@example.com")
        b = await person(w.client._transport, "bob@example.com")
        c = await person(w.client._transport, "carol@example.com")
        await befriend(a, b)
        group = await a.post("/api/me/chats/groups", {"name": "Tea", "members": [b.id]}, status=201)
        hub: Hub = w.app.state.chat_hub
        b_hears = await hub.subscribe(b.id)
        a_login = await login(w, a, w.a1)

        shared = await a.post(
            "/api/me/shares",
            {
                "appid": w.a1.appid,
                "path": "/pages/menu/menu",
                "query": {"table": "7"},
                "title": "Our menu",
                "image_url": "javascript:alert(1)",
                "chat_ids": [group["id"]],
                "with_share_ticket": True,
                "link": True,
            },
            status=201,
        )
        card_share, link_share = shared["shares"]
        assert card_share["chat_id"] == group["id"] and card_share["with_share_ticket"] is True
        assert card_share["image_url"] == "" and link_share["link"].endswith(
            f"/share/{link_share['share_id']}"
        )
        heard = await b_hears.get()
        card = heard["message"]
        assert card["type"] == "miniprogram" and card["sender"]["id"] == a.id
        assert card["body"]["title"] == "Our menu" and card["body"]["appid"] == w.a1.appid
        assert "ticket" not in str(card["body"]).lower()  # the ticket is never in the chat itself

        # B opens the card before ever using the app: scene 1044, the ticket, the sharer's query.
        launch = await b.post(f"/api/me/shares/{card_share['share_id']}/open", status=200)
        assert launch["scene"] == 1044 and launch["chatType"] == 3
        assert launch["path"] == "pages/menu/menu" and launch["query"] == {"table": "7"}
        ticket = launch["shareTicket"]
        # Without wx.login there is no session_key to seal with.
        early = await b.client.post(
            "/api/me/shares/info", json={"appid": w.a1.appid, "share_ticket": ticket}, headers=b.headers
        )
        assert early.status_code == 409 and early.json()["code"] == "login_required"
        b_login = await login(w, b, w.a1)
        infos = {}
        for who, got in ((a, a_login), (b, b_login)):
            info = await who.post(
                "/api/me/shares/info", {"appid": w.a1.appid, "share_ticket": ticket}, status=200
            )
            opened = decrypt(got["session_key"], info, w.a1.appid)
            assert opened["watermark"]["appid"] == w.a1.appid
            infos[who.id] = opened["openGId"]
        assert infos[a.id] == infos[b.id] and infos[a.id].startswith("tG")
        enter = await b.post(
            "/api/me/shares/group-enter-info", {"appid": w.a1.appid, "share_ticket": ticket}, status=200
        )
        assert decrypt(b_login["session_key"], enter, w.a1.appid)["opengid"] == infos[b.id]

        # Hostile: another app (even of the same developer) cannot use the ticket; a made-up ticket and
        # someone outside the group get the same answer.
        await login(w, b, w.a2)
        for who, appid, t in (
            (b, w.a2.appid, ticket),
            (b, w.a1.appid, "forged-ticket"),
            (c, w.a1.appid, ticket),
        ):
            refused = await who.client.post(
                "/api/me/shares/info", json={"appid": appid, "share_ticket": t}, headers=who.headers
            )
            assert refused.status_code == 404 and refused.json()["code"] == "invalid_share_ticket", (
                refused.text
            )
        # The same group shared from another app has another openGId there.
        other = await a.post(
            "/api/me/shares",
            {
                "appid": w.a2.appid,
                "path": "pages/index/index",
                "chat_ids": [group["id"]],
                "with_share_ticket": True,
            },
            status=201,
        )
        other_launch = await b.post(f"/api/me/shares/{other['shares'][0]['share_id']}/open", status=200)
        b_a2 = await login(w, b, w.a2)
        info2 = await b.post(
            "/api/me/shares/info",
            {"appid": w.a2.appid, "share_ticket": other_launch["shareTicket"]},
            status=200,
        )
        assert decrypt(b_a2["session_key"], info2, w.a2.appid)["openGId"] != infos[b.id]
        # A card opens only for its chat's members.
        assert (
            await c.client.post(f"/api/me/shares/{card_share['share_id']}/open", headers=c.headers)
        ).status_code == 404

        # The developer sees what the share brought, the sharer by openid only.
        counts = (await w.client.get(f"/api/manage/apps/{w.a1.appid}/shares", headers=w.dev_a)).json()
        row = next(s for s in counts["shares"] if s["share_id"] == card_share["share_id"])
        assert (row["opens"], row["new_users"], row["sharer_openid"]) == (1, 1, a_login["openid"])
        assert row["to"] == "group" and row["page"] == "pages/menu/menu"
        assert counts["by_sharer"][0]["sharer_openid"] == a_login["openid"]
        assert {p["page"] for p in counts["by_page"]} == {"pages/menu/menu"}
        assert "alice@example.com" not in str(counts)
        w.client.cookies.clear()
        other_dev = await w.client.post(
            "/api/tokens", json={"email": "b@example.com", "password": "long enough"}
        )
        theirs = await w.client.get(
            f"/api/manage/apps/{w.a1.appid}/shares",
            headers={"Authorization": f"Bearer {other_dev.json()['token']}"},
        )
        assert theirs.status_code in (403, 404)

        # The link's preview page unfurls elsewhere and opens the page in the host; a card has none.
        page = await w.client.get(f"/share/{link_share['share_id']}")
        assert page.status_code == 200 and "script" not in page.headers["content-security-policy"].replace(
            "'none'", ""
        )
        assert re.search(r'<meta property="og:title" content="Our menu">', page.text)
        assert f"/miniapp/{w.a1.appid}/pages/menu/menu?table=7#share={link_share['share_id']}" in page.text
        assert (await w.client.get(f"/share/{card_share['share_id']}")).status_code == 404
        # A guest opening the link is counted too, with scene 1007 and no ticket.
        guest = await w.client.post(f"/api/me/shares/{link_share['share_id']}/open")
        assert guest.json()["scene"] == 1007 and "shareTicket" not in guest.json()
        await b_hears.close()


async def test_only_the_host_sheet_can_share(tmp_path: Path, database_url: str) -> None:
    """A mini program's frame is cross-site and holds neither the cookie's CSRF token nor a chat of the
    user: every way it could post a card is refused."""
    async with world(tmp_path, database_url) as w:
        a = await person(w.client._transport, "alice@example.com")
        b = await person(w.client._transport, "bob@example.com")
        chat = await befriend(a, b)
        body = {"appid": w.a1.appid, "path": "pages/index/index", "chat_ids": [chat]}
        cross = await a.client.post(
            "/api/me/shares", json=body, headers={**a.headers, "Sec-Fetch-Site": "cross-site"}
        )
        assert cross.status_code == 403 and cross.json()["code"] == "host_only"
        no_csrf = await a.client.post("/api/me/shares", json=body)
        assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
        cross_read = await a.client.get("/api/me/chats", headers={"Sec-Fetch-Site": "cross-site"})
        assert cross_read.status_code == 403
        c = await person(w.client._transport, "carol@example.com")
        not_mine = await c.client.post("/api/me/shares", json=body, headers=c.headers)
        assert not_mine.status_code == 404 and not_mine.json()["code"] == "chat_not_found"
        bad_path = await a.client.post(
            "/api/me/shares", json={**body, "path": "../../etc"}, headers=a.headers
        )
        assert bad_path.status_code == 422 and bad_path.json()["code"] == "invalid_path"
        assert await b.get(f"/api/me/chats/{chat}/messages") == []  # nothing half-written


def png(width: int, height: int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


async def test_a_card_picture_is_a_small_5_4_png_from_the_host(tmp_path: Path, database_url: str) -> None:
    """The page's picture the host uploads for a card without an imageUrl: a 5:4 PNG, re-encoded and
    kept as a blob; anything else is refused, and only the host's session (CSRF, not cross-site) may."""
    async with world(tmp_path, database_url) as w:
        a = await person(w.client._transport, "alice@example.com")
        headers = {**a.headers, "Content-Type": "image/png"}
        made = await a.client.post("/api/me/shares/images", content=png(500, 400), headers=headers)
        assert made.status_code == 201, made.text
        address = made.json()["image_url"]
        assert re.fullmatch(r"/blobs/[0-9a-f]{64}", address)
        served = await w.client.get(address)
        assert served.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(served.content)).size == (500, 400)
        for body, code in (
            (png(500, 500), "invalid_image"),  # not 5:4
            (png(1250, 1000), "invalid_image"),  # too big a side
            (png(500, 400, "JPEG"), "invalid_image"),
            (b"<svg onload=alert(1)>", "invalid_image"),
            (b"\x89PNG" + b"\0" * (1024 * 1024), "too_large"),
        ):
            refused = await a.client.post("/api/me/shares/images", content=body, headers=headers)
            assert refused.json()["code"] == code, refused.text
        cross = await a.client.post(
            "/api/me/shares/images",
            content=png(500, 400),
            headers={**headers, "Sec-Fetch-Site": "cross-site"},
        )
        assert cross.status_code == 403
        no_csrf = await a.client.post(
            "/api/me/shares/images", content=png(500, 400), headers={"Content-Type": "image/png"}
        )
        assert no_csrf.status_code == 403
