"""Customer service and feedback, the service on SQLite and PostgreSQL: threads per app and user,
read state on both sides, the 48-hour rule and WeChat's reply counts, roles, feedback, data rights."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.identity import service as identity
from hutong.server.privacy.registry import providers
from hutong.server.problems import Problem
from hutong.server.support import service
from hutong.server.support.service import SendRefused

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Setup:
    owner: User
    analyst: User
    outsider: User
    alice: int
    bob: int
    app: App
    other: App


@pytest.fixture
def clock() -> Iterator[list[datetime]]:
    """A clock the test moves: service.now() answers moment[0]."""
    original = service.now
    moment = [original()]
    service.now = lambda: moment[0]
    yield moment
    service.now = original


async def _setup(database: Database) -> Setup:
    async with database.session() as session:
        owner = await accounts.sign_up(session, "owner@example.com", "long enough")
        analyst = await accounts.sign_up(session, "analyst@example.com", "long enough")
        outsider = await accounts.sign_up(session, "outsider@example.com", "long enough")
        alice = await accounts.sign_up(session, "alice@example.com", "long enough")
        bob = await accounts.sign_up(session, "bob@example.com", "long enough")
        org = await accounts.create_organization(session, owner, "Shop")
        await accounts.set_member(session, owner, org.id, "analyst@example.com", "analyst")
        other_org = await accounts.create_organization(session, outsider, "Elsewhere")
        app = App(appid="support-a", name="Tea", organization_id=org.id)
        other = App(appid="support-b", name="Other", organization_id=other_org.id)
        session.add_all([app, other])
        await session.flush()
        return Setup(owner, analyst, outsider, alice.id, bob.id, app, other)


async def test_threads_read_state_and_replies(database: Database, clock: list[datetime]) -> None:
    s = await _setup(database)
    async with database.session() as session:
        opened = await service.enter(session, s.alice, "support-a", "order-42")
        assert opened.messages == [] and opened.conversation is not None
        await service.send_user_text(session, s.alice, "support-a", "  Where is my tea?\n")
        await service.send_user_card(session, s.alice, "support-a", "Green tea", "/pages/item/item?id=7", "")
        await service.send_user_text(session, s.bob, "support-a", "Hello")
        clock[0] += timedelta(seconds=1)
        await service.send_user_text(session, s.alice, "support-b", "Other app")
    async with database.session() as session:
        app, listed = await service.conversations_of_app(session, s.owner, "support-a")
        assert [(c.unread, c.session_from, c.last.kind if c.last else None) for c in listed] == [
            (1, "", "text"),
            (2, "order-42", "miniprogrampage"),
        ]
        alice_openid = await identity.openid_for(session, app, s.alice)
        assert listed[1].openid == alice_openid and listed[1].can_reply
        thread = await service.thread_for_agent(session, s.owner, "support-a", listed[1].id)
        assert [(m.sender, m.kind, m.body) for m in thread.messages] == [
            ("user", "text", {"content": "Where is my tea?"}),
            (
                "user",
                "miniprogrampage",
                {"title": "Green tea", "pagepath": "pages/item/item?id=7", "thumb_url": ""},
            ),
        ]
        clock[0] += timedelta(seconds=1)
        await service.reply_as_agent(session, s.owner, "support-a", listed[1].id, "On its way")
    async with database.session() as session:
        _, listed = await service.conversations_of_app(session, s.owner, "support-a")
        assert [c.unread for c in listed] == [0, 1]  # Alice's is read and newest; Bob's is not
        mine = await service.conversations_of_user(session, s.alice)
        assert [(c.appid, c.unread) for c in mine] == [("support-a", 1), ("support-b", 0)]
        await service.mark_read_by_user(session, s.alice, "support-a")
        mine = await service.conversations_of_user(session, s.alice)
        assert [(c.appid, c.unread) for c in mine] == [("support-a", 0), ("support-b", 0)]
        # Bob sees only his own thread: no agent message, nothing of Alice's.
        bobs = await service.thread_for_user(session, s.bob, "support-a")
        assert [m.body for m in bobs.messages] == [{"content": "Hello"}]


async def test_roles_and_other_organizations(database: Database) -> None:
    s = await _setup(database)
    async with database.session() as session:
        await service.send_user_text(session, s.alice, "support-a", "Hi")
        _, listed = await service.conversations_of_app(session, s.owner, "support-a")
        with pytest.raises(Problem) as analyst:
            await service.conversations_of_app(session, s.analyst, "support-a")
        assert analyst.value.status == 403
        with pytest.raises(Problem) as outsider:
            await service.thread_for_agent(session, s.outsider, "support-a", listed[0].id)
        assert outsider.value.status == 404
        # A conversation of app A is not found through app B, even by B's owner.
        with pytest.raises(Problem) as crossed:
            await service.reply_as_agent(session, s.outsider, "support-b", listed[0].id, "x")
        assert crossed.value.code == "conversation_not_found"


async def test_the_48_hour_rule_and_reply_counts(database: Database, clock: list[datetime]) -> None:
    s = await _setup(database)
    async with database.session() as session:
        app = s.app
        openid = await identity.openid_for(session, app, s.alice)
        never = await identity.openid_for(session, app, s.bob)

        def text(to: str, content: str = "hi") -> dict[str, object]:
            return {"touser": to, "msgtype": "text", "text": {"content": content}}

        with pytest.raises(SendRefused) as unknown:
            await service.send_from_server(session, app, text("o" + "x" * 27))
        assert unknown.value.errcode == service.INVALID_OPENID
        with pytest.raises(SendRefused) as silent:  # Bob never wrote: no window
            await service.send_from_server(session, app, text(never))
        assert silent.value.errcode == service.OUT_OF_TIME

        # Entering the session: 2 messages within a minute.
        await service.enter(session, s.alice, "support-a")
        await service.send_from_server(session, app, text(openid, "welcome"))
        await service.send_from_server(session, app, text(openid, "how can we help?"))
        with pytest.raises(SendRefused) as third:
            await service.send_from_server(session, app, text(openid))
        assert third.value.errcode == service.OUT_OF_COUNT
        clock[0] += timedelta(minutes=2)
        with pytest.raises(SendRefused) as late:
            await service.send_from_server(session, app, text(openid))
        assert late.value.errcode == service.OUT_OF_TIME

        # Writing: 5 messages within 48 hours.
        await service.send_user_text(session, s.alice, "support-a", "help")
        for n in range(5):
            clock[0] += timedelta(hours=9)
            await service.send_from_server(session, app, text(openid, f"answer {n}"))
        with pytest.raises(SendRefused) as sixth:
            await service.send_from_server(session, app, text(openid))
        assert sixth.value.errcode == service.OUT_OF_COUNT
        await service.send_user_text(session, s.alice, "support-a", "more")
        clock[0] += timedelta(hours=47, minutes=59)
        link = {"title": "Order", "url": "https://shop.example/o/1", "description": "yours"}
        await service.send_from_server(session, app, {"touser": openid, "msgtype": "link", "link": link})
        clock[0] += timedelta(minutes=2)
        with pytest.raises(SendRefused) as expired:
            await service.send_from_server(session, app, text(openid))
        assert expired.value.errcode == service.OUT_OF_TIME
        _, listed = await service.conversations_of_app(session, s.owner, "support-a")
        with pytest.raises(Problem) as console:
            await service.reply_as_agent(session, s.owner, "support-a", listed[0].id, "late")
        assert console.value.code == "reply_window_closed"


async def test_message_shapes_and_media(database: Database, clock: list[datetime]) -> None:
    s = await _setup(database)
    async with database.session() as session:
        app = s.app
        openid = await identity.openid_for(session, app, s.alice)
        await service.send_user_text(session, s.alice, "support-a", "picture please")
        for bad, code in (
            ({"msgtype": "voice", "voice": {}}, service.INVALID_MSGTYPE),
            ({"msgtype": "text", "text": "plain"}, service.BAD_DATA),
            ({"msgtype": "text", "text": {"content": "x" * 2001}}, service.CONTENT_TOO_LONG),
            ({"msgtype": "image", "image": {"media_id": "nope"}}, service.INVALID_MEDIA),
            ({"msgtype": "link", "link": {"title": "t", "url": "javascript:alert(1)"}}, service.BAD_DATA),
        ):
            with pytest.raises(SendRefused) as refused:
                await service.send_from_server(session, app, {"touser": openid, **bad})
            assert refused.value.errcode == code, bad
        with pytest.raises(SendRefused):
            await service.upload_media(session, app, b"not an image")
        media_id, _ = await service.upload_media(session, app, PNG)
        other_media, _ = await service.upload_media(session, s.other, PNG)
        with pytest.raises(SendRefused):  # another app's media is not this app's
            await service.send_from_server(
                session, app, {"touser": openid, "msgtype": "image", "image": {"media_id": other_media}}
            )
        await service.send_from_server(
            session, app, {"touser": openid, "msgtype": "image", "image": {"media_id": media_id}}
        )
        card = {"title": "Shop", "pagepath": "pages/index/index?x=1", "thumb_media_id": media_id}
        await service.send_from_server(
            session, app, {"touser": openid, "msgtype": "miniprogrampage", "miniprogrampage": card}
        )
        assert (await service.media_for_user(session, s.alice, "support-a", media_id)).data == PNG
        with pytest.raises(Problem):  # Bob's conversation names no media
            await service.media_for_user(session, s.bob, "support-a", media_id)
        clock[0] += timedelta(days=3, minutes=1)
        await service.send_user_text(session, s.alice, "support-a", "again")
        with pytest.raises(SendRefused) as expired:
            await service.send_from_server(
                session, app, {"touser": openid, "msgtype": "image", "image": {"media_id": media_id}}
            )
        assert expired.value.errcode == service.INVALID_MEDIA
        with pytest.raises(Problem):
            await service.send_user_text(session, s.alice, "support-a", "   ")


async def test_feedback_and_data_rights(database: Database) -> None:
    s = await _setup(database)
    async with database.session() as session:
        with pytest.raises(Problem) as category:
            await service.submit_feedback(session, s.alice, "support-a", "rant", "bad")
        assert category.value.code == "invalid_category"
        with pytest.raises(Problem) as long:
            await service.submit_feedback(session, s.alice, "support-a", "bug", "x" * 501)
        assert long.value.code == "message_too_long"
        with pytest.raises(Problem) as many:
            await service.submit_feedback(session, s.alice, "support-a", "bug", "x", images=[PNG] * 5)
        assert many.value.code == "too_many_images"
        with pytest.raises(Problem) as not_image:
            await service.submit_feedback(session, s.alice, "support-a", "bug", "x", images=[b"<svg/>"])
        assert not_image.value.code == "not_an_image"
        await service.submit_feedback(session, s.alice, "support-a", "bug", "It crashes", "alice@x", [PNG])
        await service.submit_feedback(session, s.bob, "support-a", "suggestion", "More tea")
        await service.send_user_text(session, s.alice, "support-a", "Hi")
    async with database.session() as session:
        app, rows = await service.feedback_of_app(session, s.owner, "support-a")
        assert [(f.category, f.content, f.contact, f.image_count) for f, _ in rows] == [
            ("suggestion", "More tea", "", 0),
            ("bug", "It crashes", "alice@x", 1),
        ]
        assert rows[1][1] == await identity.openid_for(session, app, s.alice)
        image = await service.feedback_image(session, s.owner, "support-a", rows[1][0].id, 0)
        assert image.data == PNG and image.content_type == "image/png"
        with pytest.raises(Problem):
            await service.feedback_of_app(session, s.analyst, "support-a")
        with pytest.raises(Problem):
            await service.feedback_image(session, s.outsider, "support-b", rows[1][0].id, 0)

        registered = {p.name: p for p in providers()}
        conversation, feedback = registered["support"], registered["feedback"]
        assert await conversation.apps_with_data(session, s.alice) == {s.app.id}
        assert await feedback.apps_with_data(session, s.alice) == {s.app.id}
        exported = await conversation.export_user_data(session, s.alice, s.app.id)
        assert [(m["from"], m["body"]) for m in exported] == [("user", {"content": "Hi"})]
        assert [f["content"] for f in await feedback.export_user_data(session, s.alice, s.app.id)] == [
            "It crashes"
        ]
        assert await conversation.delete_user_data(session, s.alice, s.app.id) == 1
        assert await feedback.delete_user_data(session, s.alice, s.app.id) == 1
    async with database.session() as session:
        assert await conversation.apps_with_data(session, s.alice) == set()
        assert await feedback.export_user_data(session, s.alice, s.app.id) == []
        _, rows = await service.feedback_of_app(session, s.owner, "support-a")
        assert [f.content for f, _ in rows] == ["More tea"]  # Bob's stays


async def test_two_first_messages_at_once_make_one_conversation(database: Database) -> None:
    s = await _setup(database)

    async def first(text: str) -> None:
        async with database.session() as session:
            await service.send_user_text(session, s.alice, "support-a", text)

    await asyncio.gather(first("one"), first("two"), first("three"))
    async with database.session() as session:
        thread = await service.thread_for_user(session, s.alice, "support-a")
        assert sorted(m.body["content"] for m in thread.messages) == ["one", "three", "two"]
        _, listed = await service.conversations_of_app(session, s.owner, "support-a")
        assert [c.unread for c in listed] == [3]
