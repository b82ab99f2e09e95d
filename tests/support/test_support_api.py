"""Customer service and feedback over HTTP, on SQLite and PostgreSQL: the host's /api/me endpoints
(session + CSRF, own conversation only, host only), WeChat's /cgi-bin/message/custom/send and
/cgi-bin/media/upload (access tokens, the reply window, other organizations' users), feedback limits,
and message push to a developer's server on loopback, signed as WeChat signs it."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.db.base import utcnow
from hutong.server.outbox.models import OutboxJob
from hutong.server.support import push, service
from tests.identity.world import World, world
from tests.outbox.receiver import receiver


async def _user(session: AsyncSession, email: str) -> User:
    found = await session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def _sign_in_other(w: World, email: str) -> tuple[httpx.AsyncClient, str]:
    """A second end user with a browser session of their own."""
    client = httpx.AsyncClient(transport=w.client._transport, base_url="http://testserver")
    signup = await client.post("/api/accounts/signup", json={"email": email, "password": "long enough"})
    assert signup.status_code == 201, signup.text
    return client, str(signup.json()["csrf_token"])


async def _openid(w: World, appid: str) -> str:
    app = next(a for a in (w.a1, w.a2, w.b1) if a.appid == appid)
    login = await w.login(app)
    return str(login["openid"])


async def test_the_host_endpoints_are_the_users_own(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        csrf = {"X-CSRF-Token": w.csrf}
        base = f"/api/me/support/{w.a1.appid}"
        # Writes need the CSRF token; cross-site requests (a mini program's frame) are refused.
        refused = await w.client.post(f"{base}/messages", json={"type": "text", "content": "hi"})
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        cross = await w.client.get("/api/me/support", headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403 and cross.json()["code"] == "host_only"
        # An API token is not a host session.
        bearer = await w.client.get("/api/me/support", headers=w.dev_a)
        assert bearer.status_code == 401

        opened = await w.client.post(f"{base}/enter", json={"session_from": "from-cart"}, headers=csrf)
        assert opened.status_code == 200 and opened.json()["messages"] == []
        sent = await w.client.post(
            f"{base}/messages", json={"type": "text", "content": "Hello?"}, headers=csrf
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["from"] == "user" and sent.json()["body"] == {"content": "Hello?"}
        card = {"type": "card", "title": "Cart", "path": "pages/cart/cart?id=3", "thumb_url": "javascript:x"}
        carded = await w.client.post(f"{base}/messages", json=card, headers=csrf)
        assert carded.json()["body"] == {"title": "Cart", "pagepath": "pages/cart/cart?id=3", "thumb_url": ""}
        empty = await w.client.post(f"{base}/messages", json={"type": "text", "content": " "}, headers=csrf)
        assert empty.status_code == 422 and empty.json()["code"] == "invalid_message"
        missing = await w.client.post("/api/me/support/nope/enter", json={}, headers=csrf)
        assert missing.status_code == 404

        # Another user sees none of it, and their own thread with the same app is empty.
        other, _ = await _sign_in_other(w, "eve@example.com")
        theirs = await other.get(base)
        assert theirs.status_code == 200 and theirs.json()["messages"] == []
        assert (await other.get("/api/me/support")).json() == []
        thread = await w.client.get(base)
        assert [m["type"] for m in thread.json()["messages"]] == ["text", "miniprogrampage"]
        assert thread.json()["session_from"] == "from-cart"
        await other.aclose()


async def test_developer_server_sends_within_the_window(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        csrf = {"X-CSRF-Token": w.csrf}
        openid = await _openid(w, w.a1.appid)
        token = (await w.token(w.a1))["access_token"]
        other_token = (await w.token(w.b1))["access_token"]

        async def send(body: Any, access_token: str | None = token) -> dict[str, Any]:
            params = {"access_token": access_token} if access_token else {}
            response = await w.client.post("/cgi-bin/message/custom/send", params=params, json=body)
            assert response.status_code == 200
            answer: dict[str, Any] = response.json()
            return answer

        text = {"touser": openid, "msgtype": "text", "text": {"content": "Hi from the shop"}}
        assert (await send(text, None))["errcode"] == 41001
        assert (await send(text, "not-a-token"))["errcode"] == 40001
        # The user has not written: outside the 48-hour window.
        assert await send(text) == {
            "errcode": 45015,
            "errmsg": "response out of time limit or subscription is canceled",
        }
        await w.client.post(
            f"/api/me/support/{w.a1.appid}/messages", json={"type": "text", "content": "hi"}, headers=csrf
        )
        # Another organization's app cannot reach this app's user: the openid is not one of its own.
        assert (await send(text, other_token))["errcode"] == 40003
        assert (await send({**text, "touser": "o" + "x" * 27}))["errcode"] == 40003
        assert (await send({**text, "msgtype": "voice"}))["errcode"] == 40008
        empty = await w.client.post(
            "/cgi-bin/message/custom/send", params={"access_token": token}, content=b""
        )
        assert empty.json()["errcode"] == 44002
        assert await send(text) == {"errcode": 0, "errmsg": "ok"}
        # 48 hours after the user's last message the window is closed again.
        real_now = service.now
        later = real_now() + timedelta(hours=48, minutes=1)
        service.now = lambda: later
        try:
            assert (await send(text))["errcode"] == 45015
        finally:
            service.now = real_now

        # An image: upload it first, then send its media_id; the user's host fetches it.
        bad_type = await w.client.post(
            "/cgi-bin/media/upload",
            params={"access_token": token, "type": "voice"},
            files={"media": ("a.png", PNG, "image/png")},
        )
        assert bad_type.json()["errcode"] == 40004
        uploaded = await w.client.post(
            "/cgi-bin/media/upload",
            params={"access_token": token, "type": "image"},
            files={"media": ("a.png", PNG, "image/png")},
        )
        media_id = uploaded.json()["media_id"]
        assert (await send({"touser": openid, "msgtype": "image", "image": {"media_id": media_id}}))[
            "errcode"
        ] == 0
        thread = (await w.client.get(f"/api/me/support/{w.a1.appid}")).json()
        assert [(m["from"], m["type"]) for m in thread["messages"]] == [
            ("user", "text"),
            ("agent", "text"),
            ("agent", "image"),
        ]
        image = await w.client.get(thread["messages"][2]["image_url"])
        assert image.status_code == 200 and image.content == PNG
        # Unread until the user has seen it.
        listed = (await w.client.get("/api/me/support")).json()
        assert [(c["app"]["appid"], c["unread"]) for c in listed] == [(w.a1.appid, 2)]
        assert (await w.client.post(f"/api/me/support/{w.a1.appid}/read", headers=csrf)).status_code == 204
        assert (await w.client.get("/api/me/support")).json()[0]["unread"] == 0
        # Another user cannot fetch that image.
        other, _ = await _sign_in_other(w, "mallory@example.com")
        assert (await other.get(thread["messages"][2]["image_url"])).status_code == 404
        await other.aclose()


async def test_feedback_is_limited_and_checked(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url, feedback_per_hour=2) as w:
        csrf = {"X-CSRF-Token": w.csrf}
        url = f"/api/me/feedback/{w.a1.appid}"
        form = {"category": "bug", "content": "The cart is empty", "contact": "me@example.com"}
        assert (await w.client.post(url, json=form)).status_code == 403  # no CSRF token
        bad = await w.client.post(url, json={**form, "category": "rant"}, headers=csrf)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_category"
        sent = await w.client.post(
            url, json={**form, "images": [base64.b64encode(PNG).decode()]}, headers=csrf
        )
        assert sent.status_code == 201, sent.text
        limited = await w.client.post(url, json=form, headers=csrf)
        assert limited.status_code == 429 and "retry-after" in limited.headers
    database = Database(database_url)
    async with database.session() as session:
        owner = await _user(session, "a@example.com")
        _, rows = await service.feedback_of_app(session, owner, w.a1.appid)
        assert [(f.category, f.content, f.image_count) for f, _ in rows] == [("bug", "The cart is empty", 1)]
    await database.dispose()


@contextmanager
def push_receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The developer's server: records each push with its query and body."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # WeChat's URL check: answer the echostr if the signature is the token's.
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            signed = "".join(sorted(["secretToken1", query.get("timestamp", ""), query.get("nonce", "")]))
            good = hashlib.sha1(signed.encode()).hexdigest() == query.get("signature")
            answer = query.get("echostr", "").encode() if good else b"no"
            self.send_response(200)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            received.append({"query": query, "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.send_header("content-length", "7")
            self.end_headers()
            self.wfile.write(b"success")

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/wechat", received
    finally:
        server.shutdown()
        server.server_close()


async def test_messages_are_pushed_signed_to_the_developers_server(tmp_path: Path, database_url: str) -> None:
    with push_receiver() as (url, received):
        async with world(tmp_path, database_url, egress_allow_networks="127.0.0.0/8") as w:
            csrf = {"X-CSRF-Token": w.csrf}
            openid = await _openid(w, w.a1.appid)
            # Saved in the console: the receiver answers WeChat's signed echostr check.
            owner = httpx.AsyncClient(transport=w.client._transport, base_url="http://testserver")
            signin = await owner.post(
                "/api/accounts/signin", json={"email": "a@example.com", "password": "long enough"}
            )
            saved = await owner.post(
                f"/console/apps/{w.a1.appid}/support-push",
                data={"url": url, "token": "secretToken1", "csrf_token": signin.json()["csrf_token"]},
            )
            assert "notice=message%20push%20saved" in saved.headers["location"], saved.headers["location"]
            await owner.aclose()
            base = f"/api/me/support/{w.a1.appid}"
            await w.client.post(f"{base}/enter", json={"session_from": "cart"}, headers=csrf)
            await w.client.post(f"{base}/messages", json={"type": "text", "content": "Hi"}, headers=csrf)
            # Each push is an outbox job, sent by a worker (here this test's; a server runs its own).
            assert await _pusher(w).run_once() == 2
    assert len(received) == 2
    by_type = {push["body"]["MsgType"]: push for push in received}
    event, text = by_type["event"], by_type["text"]
    assert event["body"]["Event"] == "user_enter_tempsession" and event["body"]["SessionFrom"] == "cart"
    assert text["body"]["Content"] == "Hi" and text["body"]["FromUserName"] == openid
    assert text["body"]["ToUserName"] == w.a1.appid
    for pushed in received:
        query = pushed["query"]
        expected = hashlib.sha1(
            "".join(sorted(["secretToken1", query["timestamp"], query["nonce"]])).encode()
        ).hexdigest()
        assert query["signature"] == expected


async def test_push_never_reaches_private_addresses_by_default(tmp_path: Path, database_url: str) -> None:
    with push_receiver() as (url, received):
        async with world(tmp_path, database_url) as w:
            database = Database(database_url, w.app.state.keyring)
            async with database.session() as session:
                owner = await _user(session, "a@example.com")
                await service.set_push(session, owner, w.a1.appid, url, "secretToken1")
            await database.dispose()
            sent = await w.client.post(
                f"/api/me/support/{w.a1.appid}/messages",
                json={"type": "text", "content": "Hi"},
                headers={"X-CSRF-Token": w.csrf},
            )
            assert sent.status_code == 201  # stored whatever the push does
            assert await _pusher(w).run_once() == 1
            async with database.session() as session:
                job = await session.scalar(select(OutboxJob).where(OutboxJob.topic == push.TOPIC))
                assert job is not None and job.state == "dead"
                assert (job.last_error or "").startswith("egress_address_refused")
    assert received == []


async def test_a_push_the_server_failed_is_delivered_later(tmp_path: Path, database_url: str) -> None:
    with receiver(503, 200, path="/wechat") as server:
        async with world(tmp_path, database_url, egress_allow_networks="127.0.0.0/8") as w:
            openid = await _openid(w, w.a1.appid)
            database = Database(database_url, w.app.state.database.keyring)
            async with database.session() as session:
                owner = await _user(session, "a@example.com")
                await service.set_push(session, owner, w.a1.appid, server.url, "secretToken1")
            sent = await w.client.post(
                f"/api/me/support/{w.a1.appid}/messages",
                json={"type": "text", "content": "Still open?"},
                headers={"X-CSRF-Token": w.csrf},
            )
            assert sent.status_code == 201
            clock = Clock()
            assert await _pusher(w, clock).run_once() == 1  # 503: to be tried again
            assert await _pusher(w, clock).run_once() == 0  # not yet
            clock.now += outbox.MESSAGE_PUSH_RETRY[0]
            # Another process (its own engine) sends it: the job lives in the database.
            later = outbox.Worker(database, w.app.state.settings, topics={push.TOPIC}, clock=clock)
            assert await later.run_once() == 1
            async with database.session() as session:
                job = await session.scalar(select(OutboxJob).where(OutboxJob.topic == push.TOPIC))
                assert job is not None and job.state == "done"
                tries = await outbox.attempts_of(session, job.id)
            await database.dispose()
    assert [(t.outcome, t.status) for t in tries] == [("retry", 503), ("done", 200)]
    first, second = (json.loads(body) for body in server.bodies)
    assert first == second and first["Content"] == "Still open?" and first["FromUserName"] == openid
    for target in server.queries:
        query = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
        signed = "".join(sorted(["secretToken1", query["timestamp"], query["nonce"]]))
        assert hashlib.sha1(signed.encode()).hexdigest() == query["signature"]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)  # jobs enqueued just now are due

    def __call__(self) -> datetime:
        return self.now


def _pusher(w: World, clock: Callable[[], datetime] = utcnow) -> outbox.Worker:
    return outbox.Worker(w.app.state.database, w.app.state.settings, topics={push.TOPIC}, clock=clock)


async def test_console_lists_replies_and_keeps_to_its_roles(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        csrf = {"X-CSRF-Token": w.csrf}
        openid = await _openid(w, w.a1.appid)
        await w.client.post(
            f"/api/me/support/{w.a1.appid}/messages",
            json={"type": "text", "content": "Is it fresh?"},
            headers=csrf,
        )
        await w.client.post(
            f"/api/me/feedback/{w.a1.appid}",
            json={"category": "suggestion", "content": "More oolong"},
            headers=csrf,
        )
        owner = httpx.AsyncClient(transport=w.client._transport, base_url="http://testserver")
        signin = await owner.post(
            "/api/accounts/signin", json={"email": "a@example.com", "password": "long enough"}
        )
        owner_csrf = signin.json()["csrf_token"]
        page = await owner.get(f"/console/apps/{w.a1.appid}/support")
        assert page.status_code == 200 and openid in page.text and "Is it fresh?" in page.text
        assert '<td class="unread">1</td>' in page.text
        link = f"/console/apps/{w.a1.appid}/support/"
        conversation_id = page.text.split(link, 1)[1].split('"', 1)[0]
        thread = await owner.get(link + conversation_id)
        assert "Is it fresh?" in thread.text and 'id="reply"' in thread.text
        page = await owner.get(f"/console/apps/{w.a1.appid}/support")
        assert '<td class="unread">0</td>' in page.text  # seen
        # The reply form needs the CSRF token.
        forged = await owner.post(link + conversation_id + "/reply", data={"content": "Yes"})
        assert forged.status_code == 403
        sent = await owner.post(
            link + conversation_id + "/reply",
            data={"content": "Picked this morning", "csrf_token": owner_csrf},
        )
        assert sent.status_code == 303 and "notice=reply%20sent" in sent.headers["location"]
        user_thread = (await w.client.get(f"/api/me/support/{w.a1.appid}")).json()
        assert user_thread["messages"][-1]["body"] == {"content": "Picked this morning"}
        # Message push settings: checked; a server that cannot answer WeChat's echostr check is refused
        # (this one is not even reachable: the platform never pushes to private addresses).
        push = f"/console/apps/{w.a1.appid}/support-push"
        bad = await owner.post(push, data={"url": "ftp://x", "token": "abc", "csrf_token": owner_csrf})
        assert "error=" in bad.headers["location"]
        unverified = await owner.post(
            push, data={"url": "http://127.0.0.1:9/wx", "token": "Tok3n", "csrf_token": owner_csrf}
        )
        assert "error=" in unverified.headers["location"] and "echostr" in unverified.headers["location"]
        assert "127.0.0.1:9" not in (await owner.get(f"/console/apps/{w.a1.appid}/support")).text
        feedback = await owner.get(f"/console/apps/{w.a1.appid}/feedback")
        assert "More oolong" in feedback.text and "产品建议" in feedback.text
        # Another organization's owner finds nothing: not the pages, not the conversation through their app.
        other = httpx.AsyncClient(transport=w.client._transport, base_url="http://testserver")
        await other.post("/api/accounts/signin", json={"email": "b@example.com", "password": "long enough"})
        assert (await other.get(f"/console/apps/{w.a1.appid}/support")).status_code == 404
        assert (await other.get(f"/console/apps/{w.a1.appid}/feedback")).status_code == 404
        assert (await other.get(f"/console/apps/{w.b1.appid}/support/{conversation_id}")).status_code == 404
        await owner.aclose()
        await other.aclose()
