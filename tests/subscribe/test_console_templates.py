"""The console's message template page and the operators' approval of proposed titles, on PostgreSQL (a
console page's test: tests/subscribe/test_templates.py runs the API on both databases): browse the library by
the app's category, add a template with chosen keywords and a scene description (the same rules as
/wxaapi/newtmpl/*), list and delete; propose a title, which is not in the library until an operator approves
it; a rejected one says why."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import unquote

import httpx
from sqlalchemy import select

from hutong.server.accounts import service as accounts
from hutong.server.subscribe.models import Keyword, Title
from tests.conftest import on_databases
from tests.identity.world import World, world
from tests.subscribe.helpers import call, set_category

PROPOSAL = "就诊人 | name | 李明\n复诊时间 | time | 2026年12月20日 09:00\n科室 | thing | 内科"


@asynccontextmanager
async def signed_in(w: World, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A browser session of ``email`` (password "long enough") on the same platform, and its CSRF token."""
    transport = httpx.ASGITransport(app=w.app, client=("127.0.0.1", 4343))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        signin = await client.post("/api/accounts/signin", json={"email": email, "password": "long enough"})
        assert signin.status_code == 200, signin.text
        yield client, signin.json()["csrf_token"]


def notice(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return unquote(response.headers["location"])


@on_databases("postgres")
async def test_the_console_manages_templates_and_operators_approve_titles(
    tmp_path: Path, database_url: str
) -> None:
    async with world(tmp_path, database_url) as w:
        async with w.app.state.database.session() as session:
            await accounts.sign_up(session, "op@example.com", "long enough", operator_role="reviewer")
        async with signed_in(w, "a@example.com") as (dev, csrf):
            bare = await dev.get(f"/console/apps/{w.a1.appid}/templates")
            assert bare.status_code == 200 and "Set the app's category" in bare.text  # no category yet
            await set_category(w, w.a1, "医疗 Health", w.dev_a)

            # Browse: the app's categories, their approved titles, a search, a title's keywords.
            page = (await dev.get(f"/console/apps/{w.a1.appid}/templates")).text
            assert "医疗 Health" in page and "餐饮 Food" not in page
            assert re.findall(r'<tr data-tid="(\d+)">', page) == ["3001", "3002", "3003", "3004", "3005"]
            found = (await dev.get(f"/console/apps/{w.a1.appid}/templates?category=420&q=提醒")).text
            assert re.findall(r'<tr data-tid="(\d+)">', found) == ["3002", "3005"]
            chosen = (await dev.get(f"/console/apps/{w.a1.appid}/templates?category=420&tid=3001")).text
            assert 'id="add-template"' in chosen and 'name="kid" value="4"' in chosen
            foreign = (await dev.get(f"/console/apps/{w.a1.appid}/templates?tid=1001")).text
            assert "invalid tid (200014)" in foreign and 'id="add-template"' not in foreign

            # Add with chosen keywords, in the order ticked; the same rules as addtemplate.
            add = f"/console/apps/{w.a1.appid}/templates/add"
            form = {"csrf_token": csrf, "tid": "3001", "kid": ["4", "1"], "scene_desc": "预约问诊"}
            added = notice(await dev.post(add, data=form))
            assert "notice=template 预约成功通知 added" in added
            pri_tmpl_id = added.rsplit(": ", 1)[1]
            refusals = {
                "200020": {**form, "kid": ["1"]},  # one keyword is too few
                "200021": {**form, "scene_desc": "x" * 16},
                "200014": {**form, "tid": "1001"},  # another category's title
            }
            for code, body in refusals.items():
                assert f"({code})" in notice(await dev.post(add, data=body)), code
            assert (await dev.post(add, data={**form, "csrf_token": "forged"})).status_code == 403
            # The developer server's API sees exactly the template added.
            token = (await w.token(w.a1))["access_token"]
            listed = await call(w, "GET", "/wxaapi/newtmpl/gettemplate", token)
            assert [(t["priTmplId"], t["title"]) for t in listed["data"]] == [(pri_tmpl_id, "预约成功通知")]
            assert listed["data"][0]["content"].startswith("就诊时间:{{time4.DATA}}\n就诊人:{{name1.DATA}}")
            page = (await dev.get(f"/console/apps/{w.a1.appid}/templates")).text
            assert f'<tr data-id="{pri_tmpl_id}">' in page

            # Propose a title: checked, pending, not in the library.
            propose = f"/console/apps/{w.a1.appid}/templates/propose"
            proposal = {"csrf_token": csrf, "category_id": "420", "title": "复诊提醒", "type": "2"}
            bad = {
                "invalid_category": {**proposal, "category_id": "307", "keywords": PROPOSAL},
                "invalid_keywords": {**proposal, "keywords": "就诊人 | name | 12345\n科室 | thing | 内科"},
                "unknown type": {**proposal, "keywords": "就诊人 | nickname | 李明\n科室 | thing | 内科"},
                "too few": {**proposal, "keywords": "就诊人 | name | 李明"},
            }
            for label, refused in bad.items():
                assert "error=" in notice(await dev.post(propose, data=refused)), label
            assert "proposed" in notice(await dev.post(propose, data={**proposal, "keywords": PROPOSAL}))
            second = {**proposal, "title": "体检报告", "keywords": PROPOSAL}
            assert "proposed" in notice(await dev.post(propose, data=second))
            async with w.app.state.database.session() as session:
                pending = list(await session.scalars(select(Title).where(Title.status == "pending")))
                assert [t.title for t in pending] == ["复诊提醒", "体检报告"]
                tid, other_tid = pending[0].tid, pending[1].tid
                words = await session.scalars(select(Keyword).where(Keyword.tid == tid).order_by(Keyword.kid))
                assert [(k.kid, k.name, k.rule) for k in words] == [
                    (1, "就诊人", "name"),
                    (2, "复诊时间", "time"),
                    (3, "科室", "thing"),
                ]
            titles = await call(
                w, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", token, params={"ids": "420", "limit": 30}
            )
            assert tid not in [t["tid"] for t in titles["data"]]
            keywords = "/wxaapi/newtmpl/getpubtemplatekeywords"
            assert (await call(w, "GET", keywords, token, params={"tid": tid}))["errcode"] == 200014
            # Developers cannot approve their own.
            assert (await dev.get("/console/admin/templates")).status_code == 403
            forged = await dev.post(f"/console/admin/templates/{tid}/approve", data={"csrf_token": csrf})
            assert "operator" in notice(forged)

        async with signed_in(w, "op@example.com") as (op, op_csrf):
            queue = (await op.get("/console/admin/templates")).text
            assert f'<tr data-tid="{tid}">' in queue and "复诊时间" in queue and w.a1.appid in queue
            approved = await op.post(f"/console/admin/templates/{tid}/approve", data={"csrf_token": op_csrf})
            assert "复诊提醒 approved" in notice(approved)
            no_reason = await op.post(
                f"/console/admin/templates/{other_tid}/reject", data={"csrf_token": op_csrf}
            )
            assert "error=" in notice(no_reason)
            rejected = await op.post(
                f"/console/admin/templates/{other_tid}/reject",
                data={"csrf_token": op_csrf, "reason": "已有同类模板"},
            )
            assert "体检报告 rejected" in notice(rejected)
            again = await op.post(f"/console/admin/templates/{tid}/approve", data={"csrf_token": op_csrf})
            assert "error=" in notice(again)  # decided once
            assert "No proposals wait." in (await op.get("/console/admin/templates")).text

        # Approved: in the library for the app's category, usable; rejected: not, with its reason.
        titles = await call(
            w, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", token, params={"ids": "420", "limit": 30}
        )
        assert [t["tid"] for t in titles["data"]][-1] == tid and other_tid not in [
            t["tid"] for t in titles["data"]
        ]
        usable = await call(
            w,
            "POST",
            "/wxaapi/newtmpl/addtemplate",
            token,
            json={"tid": tid, "kidList": [1, 2], "sceneDesc": ""},
        )
        assert usable["errcode"] == 0, usable
        async with signed_in(w, "a@example.com") as (dev, csrf):
            page = (await dev.get(f"/console/apps/{w.a1.appid}/templates")).text
            assert "approved" in page and "rejected: 已有同类模板" in page
            delete = f"/console/apps/{w.a1.appid}/templates/{pri_tmpl_id}/delete"
            assert "template deleted" in notice(await dev.post(delete, data={"csrf_token": csrf}))
            assert "(40037)" in notice(await dev.post(delete, data={"csrf_token": csrf}))
            # Another organization's app is not reachable from this console.
            other = await dev.get(f"/console/apps/{w.b1.appid}/templates")
            assert other.status_code == 404
        listed = await call(w, "GET", "/wxaapi/newtmpl/gettemplate", token)
        assert [t["title"] for t in listed["data"]] == ["复诊提醒"]
