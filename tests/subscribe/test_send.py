"""Sending subscription messages, on SQLite and PostgreSQL: the user's answers in the host's dialog
grant sends (one per one-time acceptance, lasting for long-term), every field and keyword checked with
WeChat's errcodes naming the field, nothing spent on a refused send, a race for the last credit won
once, the per-app rate limit, the switches, and the inbox (the user's own messages only)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hutong.server.subscribe.models import Notification
from tests.conftest import migrate
from tests.identity.world import World, world
from tests.subscribe.helpers import call, set_category


async def _templates(w: World, token: str) -> tuple[str, str]:
    add = "/wxaapi/newtmpl/addtemplate"
    once = await call(w, "POST", add, token, json={"tid": 3001, "kidList": [1, 4], "sceneDesc": "预约"})
    always = await call(w, "POST", add, token, json={"tid": 3002, "kidList": [1, 3, 4], "sceneDesc": "提醒"})
    return str(once["priTmplId"]), str(always["priTmplId"])


def _data(name: str = "李明", when: str = "2026年12月6日 19:00") -> dict[str, Any]:
    return {"name1": {"value": name}, "time4": {"value": when}}


async def _ask(w: World, appid: str, ids: list[Any]) -> Any:
    response = await w.client.post(
        f"/api/me/subscribe/{appid}/ask", json={"tmplIds": ids}, headers={"X-CSRF-Token": w.csrf}
    )
    return response


async def _decide(
    w: World, appid: str, ids: list[str], choices: dict[str, str], keep: bool = False
) -> dict[str, str]:
    body = {"tmplIds": ids, "choices": choices, "keep": keep}
    response = await w.client.post(
        f"/api/me/subscribe/{appid}/decide", json=body, headers={"X-CSRF-Token": w.csrf}
    )
    assert response.status_code == 200, response.text
    results: dict[str, str] = response.json()["results"]
    return results


async def test_grants_and_sends(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        once, always = await _templates(w, token)
        openid = (await w.login(w.a1))["openid"]
        send = "/cgi-bin/message/subscribe/send"
        message = {
            "touser": openid,
            "template_id": once,
            "page": "pages/booked/booked?id=C1",
            "data": _data(),
        }

        # Never asked: nothing to send.
        assert await call(w, "POST", send, token, json=message) == {
            "errcode": 43101,
            "errmsg": "user refuse to accept the msg",
        }

        asked = await _ask(w, w.a1.appid, [once])
        assert asked.status_code == 200, asked.text
        item = asked.json()["items"][0]
        assert item == {
            "id": once,
            "title": "预约成功通知",
            "type": 2,
            "status": "ask",
            "keywords": ["就诊人", "就诊时间"],
        }
        assert asked.json()["app"]["appid"] == w.a1.appid
        # Two acceptances: two sends.
        assert await _decide(w, w.a1.appid, [once], {once: "accept"}) == {once: "accept"}
        assert await _decide(w, w.a1.appid, [once], {once: "accept"}) == {once: "accept"}

        # Every refusal names its field and spends nothing.
        long_thing = {**_data(), "name1": {"value": "李" * 11}}
        for body, errcode, errmsg in [
            ({**message, "data": long_thing}, 47003, "argument invalid! data.name1.value invalid"),
            (
                {**message, "data": {"name1": {"value": "李明"}}},
                47003,
                "argument invalid! data.time4.value is empty",
            ),
            (
                {**message, "data": _data(when="tomorrow")},
                47003,
                "argument invalid! data.time4.value invalid",
            ),
            ({**message, "data": [{"name1": "x"}]}, 47003, "argument invalid! data invalid"),
            ({**message, "miniprogram_state": "beta"}, 47003, "argument invalid! miniprogram_state invalid"),
            ({**message, "lang": "fr_FR"}, 47003, "argument invalid! lang invalid"),
            ({**message, "touser": "o" + "x" * 27}, 40003, "invalid openid"),
            ({**message, "template_id": "nope"}, 40037, "invalid template_id"),
            ({**message, "page": "https://evil.example/x"}, 41030, "invalid page"),
            ({**message, "page": "?id=1"}, 41030, "invalid page"),
        ]:
            assert await call(w, "POST", send, token, json=body) == {"errcode": errcode, "errmsg": errmsg}, (
                body
            )

        # Another app of the same developer: the user's openid there is not this one, the template not its.
        other = (await w.token(w.a2))["access_token"]
        assert (await call(w, "POST", send, other, json=message))["errcode"] == 40003
        other_openid = (await w.login(w.a2))["openid"]
        assert (await call(w, "POST", send, other, json={**message, "touser": other_openid}))[
            "errcode"
        ] == 40037

        first = await call(
            w, "POST", send, token, json={**message, "lang": "en_US", "miniprogram_state": "trial"}
        )
        assert first["errcode"] == 0 and isinstance(first["msgid"], int)
        assert (await call(w, "POST", send, token, json=message))["errcode"] == 0
        assert (await call(w, "POST", send, token, json=message))["errcode"] == 43101

        # Long-term: kept, sent again and again, until the user switches it off.
        assert await _decide(w, w.a1.appid, [always], {always: "accept"}, keep=True) == {always: "accept"}
        reminder = {
            "touser": openid,
            "template_id": always,
            "data": {
                "name1": {"value": "李明"},
                "time3": {"value": "2026年12月6日 19:00"},
                "thing4": {"value": "请提前15分钟进入诊室"},
            },
        }
        for _ in range(3):
            assert (await call(w, "POST", send, token, json=reminder))["errcode"] == 0
        kept = (await _ask(w, w.a1.appid, [always])).json()["items"][0]
        assert kept["status"] == "accept"  # asked no more
        setting = (await w.client.get(f"/api/me/subscribe/{w.a1.appid}")).json()
        assert setting["mainSwitch"] is True and setting["itemSettings"] == {always: "accept"}
        csrf = {"X-CSRF-Token": w.csrf}
        off = await w.client.patch(
            f"/api/me/subscribe/{w.a1.appid}", json={"itemSettings": {always: "reject"}}, headers=csrf
        )
        assert off.json()["itemSettings"] == {always: "reject"}
        assert (await call(w, "POST", send, token, json=reminder))["errcode"] == 43101
        await w.client.patch(
            f"/api/me/subscribe/{w.a1.appid}", json={"itemSettings": {always: "accept"}}, headers=csrf
        )
        assert (await call(w, "POST", send, token, json=reminder))["errcode"] == 0
        main_off = await w.client.patch(
            f"/api/me/subscribe/{w.a1.appid}", json={"mainSwitch": False}, headers=csrf
        )
        assert main_off.json()["mainSwitch"] is False
        assert (await call(w, "POST", send, token, json=reminder))["errcode"] == 43101
        refused = await _ask(w, w.a1.appid, [always])
        assert refused.status_code == 422 and refused.json()["errCode"] == 20004

        # The inbox: grouped by app, unread counted, read when opened; the user's own only.
        groups = (await w.client.get("/api/me/notifications")).json()
        assert len(groups) == 1 and groups[0]["app"]["appid"] == w.a1.appid and groups[0]["unread"] == 6
        assert groups[0]["last"]["title"] == "就诊提醒"
        thread = (await w.client.get(f"/api/me/notifications/{w.a1.appid}")).json()
        assert len(thread["messages"]) == 6
        oldest = thread["messages"][-1]
        assert oldest["page"] == "pages/booked/booked?id=C1" and oldest["state"] == "trial"
        assert oldest["data"] == [
            {"key": "name1", "name": "就诊人", "value": "李明"},
            {"key": "time4", "name": "就诊时间", "value": "2026年12月6日 19:00"},
        ]
        assert (await w.client.get("/api/me/notifications")).json()[0]["unread"] == 0


async def test_asking_rules_and_host_only(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        once, always = await _templates(w, token)
        add = "/wxaapi/newtmpl/addtemplate"
        same_title = (await call(w, "POST", add, token, json={"tid": 3001, "kidList": [2, 4]}))["priTmplId"]
        cases: list[tuple[list[Any], int]] = [
            ([], 10001),
            ([once, 3], 10004),
            ([once] * 6, 20003),
            ([once, always], 20002),
            ([once, "x"], 20001),
        ]
        for ids, code in cases:
            answer = await _ask(w, w.a1.appid, ids)
            assert answer.status_code == 422 and answer.json()["errCode"] == code, ids
        # A template with the same title as another in the request is filtered, and cannot be granted.
        items = (await _ask(w, w.a1.appid, [once, same_title])).json()["items"]
        assert [i["status"] for i in items] == ["ask", "filter"]
        assert await _decide(w, w.a1.appid, [once, same_title], {once: "reject", same_title: "accept"}) == {
            once: "reject",
            same_title: "filter",
        }
        # Another app's templates are unknown to this app.
        await set_category(w, w.a2, "医疗 Health", w.dev_a)
        theirs = await call(
            w, "POST", add, (await w.token(w.a2))["access_token"], json={"tid": 3001, "kidList": [1, 2]}
        )
        assert (await _ask(w, w.a1.appid, [theirs["priTmplId"]])).json()["errCode"] == 20001

        # Only the host, with the user's session and CSRF token.
        path = f"/api/me/subscribe/{w.a1.appid}/decide"
        body = {"tmplIds": [once], "choices": {once: "accept"}}
        assert (await w.client.post(path, json=body)).json()["code"] == "csrf_failed"
        cross = await w.client.post(
            path, json=body, headers={"X-CSRF-Token": w.csrf, "Sec-Fetch-Site": "cross-site"}
        )
        assert cross.status_code == 403 and cross.json()["code"] == "host_only"
        assert (await w.client.get("/api/me/notifications", headers=w.dev_a)).status_code == 401


async def test_one_credit_is_spent_once(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        once, _ = await _templates(w, token)
        openid = (await w.login(w.a1))["openid"]
        await _decide(w, w.a1.appid, [once], {once: "accept"})
        message = {"touser": openid, "template_id": once, "data": _data()}
        answers = await asyncio.gather(
            *(call(w, "POST", "/cgi-bin/message/subscribe/send", token, json=message) for _ in range(4))
        )
        assert sorted(a["errcode"] for a in answers) == [0, 43101, 43101, 43101]


async def test_per_app_send_limit(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url, subscribe_send_per_minute=2) as w:
        token = (await w.token(w.a1))["access_token"]
        body = {"touser": "o" + "x" * 27, "template_id": "t", "data": {}}
        codes = [
            (await call(w, "POST", "/cgi-bin/message/subscribe/send", token, json=body))["errcode"]
            for _ in range(3)
        ]
        assert codes == [40003, 40003, 45011]
        # Another app's budget is its own.
        other = (await w.token(w.a2))["access_token"]
        assert (await call(w, "POST", "/cgi-bin/message/subscribe/send", other, json=body))[
            "errcode"
        ] == 40003


async def test_two_hundred_concurrent_sends_on_sqlite(tmp_path: Path) -> None:
    """SQLite takes one writer at a time: 200 sends at once all succeed, because this process's writers
    queue for their turn (db/sqlite_writers.py) instead of polling SQLite's lock. SQLite's own wait is
    cut to 50 ms here, so any two of them meeting at SQLite's lock would fail 'database is locked' (a
    500): without the queue most of them do."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'sends.db'}"
    await migrate(url)
    lifted = {
        "subscribe_send_per_minute": 10**6,
        "server_api_per_minute": 10**6,
        "rate_limit_per_minute": 10**6,
    }
    async with world(tmp_path, url, sqlite_busy_timeout_seconds=0.05, **lifted) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        _, always = await _templates(w, token)
        openid = (await w.login(w.a1))["openid"]
        await _decide(w, w.a1.appid, [always], {always: "accept"})
        data = {
            "name1": {"value": "李明"},
            "time3": {"value": "2026年12月6日 19:00"},
            "thing4": {"value": "请早到"},
        }
        message = {"touser": openid, "template_id": always, "data": data}
        responses = await asyncio.gather(
            *(
                w.client.post("/cgi-bin/message/subscribe/send", params={"access_token": token}, json=message)
                for _ in range(200)
            )
        )
        assert [r.status_code for r in responses] == [200] * 200
        assert [r.json()["errcode"] for r in responses] == [0] * 200
        async with w.app.state.database.session() as session:
            stored = await session.scalar(select(func.count()).select_from(Notification))
        assert stored == 200
