"""Contacts and chats over HTTP, on SQLite and PostgreSQL: friend codes, requests accepted, refused and
blocked; one-to-one and group chats (create, invite, join, leave, rename), numbered messages, read
state, images; who may see what; what the hub announces after each commit; rate limits."""

from __future__ import annotations

from pathlib import Path

from hutong.server.chats.hub import Hub
from hutong.server.discovery.codes import read_codes
from tests.chats.people import befriend, person
from tests.platform.apiclient import platform, settings_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_friends_by_code_accept_refuse_block(tmp_path: Path, database_url: str) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (app, client):
        a = await person(client._transport, "a@example.com")
        b = await person(client._transport, "b@example.com")
        c = await person(client._transport, "c@example.com")
        hub: Hub = app.state.chat_hub
        heard = await hub.subscribe(a.id)
        mine = await a.get("/api/me/friend-code")
        assert mine["link"].endswith(f"/add/{mine['code']}")
        # The QR code carries the same link (read back with the platform's own code reader).
        qr = await a.client.get("/api/me/friend-code.png")
        assert qr.headers["content-type"] == "image/png" and read_codes(qr.content) == [mine["link"]]
        # The code shows who it adds by name, never by email.
        assert (await b.get(f"/api/me/friend-code/{mine['code']}"))["name"] == f"User {a.id}"
        unknown = await b.client.post("/api/me/contacts/requests", json={"code": "nope"}, headers=b.headers)
        assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_friend_code"
        own = await a.client.post("/api/me/contacts/requests", json={"code": mine["code"]}, headers=a.headers)
        assert own.status_code == 422 and own.json()["code"] == "cannot_add_self"
        sent = await b.post("/api/me/contacts/requests", {"code": mine["code"]}, status=201)
        assert sent["state"] == "pending"
        assert (await heard.get())["t"] == "request"
        incoming = (await a.get("/api/me/contacts/requests"))["incoming"]
        assert [r["from"]["id"] for r in incoming] == [b.id]
        # Only the one asked may decide, once.
        stolen = await c.client.post(f"/api/me/contacts/requests/{sent['id']}/accept", headers=c.headers)
        assert stolen.status_code == 404
        accepted = await a.post(f"/api/me/contacts/requests/{sent['id']}/accept", status=200)
        again = await a.client.post(f"/api/me/contacts/requests/{sent['id']}/accept", headers=a.headers)
        assert again.status_code == 409 and again.json()["code"] == "request_decided"
        assert [p["id"] for p in await a.get("/api/me/contacts")] == [b.id]
        assert [p["id"] for p in await b.get("/api/me/contacts")] == [a.id]
        direct = await a.get(f"/api/me/chats/{accepted['chat_id']}")
        assert direct["kind"] == "direct" and {m["id"] for m in direct["members"]} == {a.id, b.id}

        # C asks, A refuses: no contact; C may ask again later.
        refused = await c.post("/api/me/contacts/requests", {"code": mine["code"]}, status=201)
        await a.post(f"/api/me/contacts/requests/{refused['id']}/refuse", status=200)
        assert [p["id"] for p in await a.get("/api/me/contacts")] == [b.id]

        # A blocks B: the contact ends, B can no longer write, and B's new request never reaches A.
        blocked = await a.client.put(f"/api/me/blocks/{b.id}", headers=a.headers)
        assert blocked.status_code == 204
        assert await a.get("/api/me/contacts") == []
        write = await b.client.post(
            f"/api/me/chats/{accepted['chat_id']}/messages", json={"content": "hi"}, headers=b.headers
        )
        assert write.status_code == 403 and write.json()["code"] == "not_contacts"
        await b.post("/api/me/contacts/requests", {"code": mine["code"]}, status=201)
        assert (await a.get("/api/me/contacts/requests"))["incoming"] == []
        assert [r["to"]["id"] for r in (await b.get("/api/me/contacts/requests"))["outgoing"]] == [a.id]
        await heard.close()


async def test_groups_messages_read_state_and_privacy(tmp_path: Path, database_url: str) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (app, client):
        a = await person(client._transport, "a@example.com")
        b = await person(client._transport, "b@example.com")
        c = await person(client._transport, "c@example.com")
        d = await person(client._transport, "d@example.com")
        await befriend(a, b)
        hub: Hub = app.state.chat_hub
        b_hears = await hub.subscribe(b.id)
        # A group starts with contacts only.
        stranger = await a.client.post(
            "/api/me/chats/groups", json={"name": "Tea", "members": [c.id]}, headers=a.headers
        )
        assert stranger.status_code == 403 and stranger.json()["code"] == "not_contacts"
        group = await a.post("/api/me/chats/groups", {"name": " Tea  lovers ", "members": [b.id]}, status=201)
        assert group["name"] == "Tea lovers" and group["role"] == "owner"
        gid = group["id"]
        created = await b_hears.get()
        assert created["t"] == "message" and created["seq"] == 1 and created["message"]["type"] == "system"

        for text in ("one", "two", "three"):
            sent = await a.post(f"/api/me/chats/{gid}/messages", {"content": text}, status=201)
        assert sent["seq"] == 4
        assert [(await b_hears.get())["seq"] for _ in range(3)] == [2, 3, 4]
        history = await b.get(f"/api/me/chats/{gid}/messages")
        assert [m["seq"] for m in history] == [1, 2, 3, 4]
        assert [m["body"].get("content") for m in history[1:]] == ["one", "two", "three"]
        assert [m["seq"] for m in await b.get(f"/api/me/chats/{gid}/messages?after=2")] == [3, 4]
        listed = {chat["id"]: chat for chat in await b.get("/api/me/chats")}
        assert listed[gid]["unread"] == 3 and listed[gid]["preview"] == "three"
        assert (await b.post(f"/api/me/chats/{gid}/read", {"seq": 3}, status=200))["read_seq"] == 3
        assert {chat["id"]: chat for chat in await b.get("/api/me/chats")}[gid]["unread"] == 1
        # Read state never passes the newest message.
        assert (await b.post(f"/api/me/chats/{gid}/read", {"seq": 99}, status=200))["read_seq"] == 4

        # D is no member: the chat does not exist for them.
        for path in (f"/api/me/chats/{gid}", f"/api/me/chats/{gid}/messages"):
            assert (await d.client.get(path)).status_code == 404
        intrude = await d.client.post(
            f"/api/me/chats/{gid}/messages", json={"content": "x"}, headers=d.headers
        )
        assert intrude.status_code == 404

        # C joins by the invitation: sees what is said from then on, not before.
        joined = await c.post("/api/me/chats/join", {"code": group["invite_code"]}, status=200)
        assert joined["id"] == gid
        await a.post(f"/api/me/chats/{gid}/messages", {"content": "welcome"}, status=201)
        assert [m["body"].get("content") for m in await c.get(f"/api/me/chats/{gid}/messages")] == [
            None,
            "welcome",
        ]

        # Images: bytes checked, served to members only.
        image = await a.client.post(
            f"/api/me/chats/{gid}/images", content=PNG, headers={**a.headers, "Content-Type": "image/png"}
        )
        assert image.status_code == 201, image.text
        url = image.json()["body"]["url"]
        assert (await c.client.get(url)).content == PNG
        assert (await d.client.get(url)).status_code == 404
        fake = await a.client.post(f"/api/me/chats/{gid}/images", content=b"<svg/>", headers=a.headers)
        assert fake.status_code == 415

        # Rename, replace the invitation, leave.
        renamed = await c.client.patch(f"/api/me/chats/{gid}", json={"name": "Oolong"}, headers=c.headers)
        assert renamed.json()["name"] == "Oolong"
        not_owner = await c.client.post(f"/api/me/chats/{gid}/invitation", headers=c.headers)
        assert not_owner.status_code == 403
        fresh = await a.post(f"/api/me/chats/{gid}/invitation", status=200)
        stale = await d.client.post(
            "/api/me/chats/join", json={"code": group["invite_code"]}, headers=d.headers
        )
        assert stale.status_code == 404 and fresh["invite_code"] != group["invite_code"]
        left = await c.client.post(f"/api/me/chats/{gid}/leave", headers=c.headers)
        assert left.status_code == 204
        assert (await c.client.get(f"/api/me/chats/{gid}/messages")).status_code == 404
        assert gid not in {chat["id"] for chat in await c.get("/api/me/chats")}
        await b_hears.close()


async def test_host_only_csrf_and_rate_limits(tmp_path: Path, database_url: str) -> None:
    async with platform(settings_for(tmp_path, database_url, chat_messages_per_minute=3)) as (_, client):
        a = await person(client._transport, "a@example.com")
        b = await person(client._transport, "b@example.com")
        chat = await befriend(a, b)
        no_csrf = await a.client.post(f"/api/me/chats/{chat}/messages", json={"content": "hi"})
        assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
        cross = await a.client.get("/api/me/chats", headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403 and cross.json()["code"] == "host_only"
        client.cookies.clear()
        assert (await client.get("/api/me/chats")).status_code == 401
        codes = []
        for n in range(4):
            response = await a.client.post(
                f"/api/me/chats/{chat}/messages", json={"content": f"m{n}"}, headers=a.headers
            )
            codes.append(response.status_code)
        assert codes == [201, 201, 201, 429]
        empty = await b.client.post(
            f"/api/me/chats/{chat}/messages", json={"content": "  "}, headers=b.headers
        )
        assert empty.status_code == 422 and empty.json()["code"] == "invalid_message"
