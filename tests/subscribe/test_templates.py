"""The template library over WeChat's /wxaapi/newtmpl/* APIs, on SQLite and PostgreSQL: categories by
the app's own category, paged titles, keywords, adding with JSON and form bodies and WeChat's limits,
long-term titles only where the operator allows them, listing and deleting (an app's own only)."""

from __future__ import annotations

from pathlib import Path

from tests.identity.world import world
from tests.subscribe.helpers import call, set_category

MEDICAL, FOOD = 420, 307


async def test_library_and_templates(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        other = (await w.token(w.a2))["access_token"]  # no category: in no library category

        categories = await call(w, "GET", "/wxaapi/newtmpl/getcategory", token)
        assert categories["errcode"] == 0 and categories["data"] == [{"id": MEDICAL, "name": "医疗 Health"}]
        assert (await call(w, "GET", "/wxaapi/newtmpl/getcategory", other))["data"] == []
        assert (await call(w, "GET", "/wxaapi/newtmpl/getcategory", "nope"))["errcode"] == 40001

        titles_path = "/wxaapi/newtmpl/getpubtemplatetitles"
        page = await call(w, "GET", titles_path, token, params={"ids": str(MEDICAL), "start": 0, "limit": 2})
        assert page["count"] == 5 and len(page["data"]) == 2
        assert page["data"][0] == {"tid": 3001, "title": "预约成功通知", "type": 2, "categoryId": "420"}
        rest = await call(w, "GET", titles_path, token, params={"ids": str(MEDICAL), "start": 2, "limit": 30})
        assert [t["tid"] for t in rest["data"]] == [3003, 3004, 3005] and rest["data"][0]["type"] == 3
        found = await call(w, "GET", titles_path, token, params={"ids": "420", "limit": 5, "keyword": "提醒"})
        assert [t["tid"] for t in found["data"]] == [3002, 3005]
        for params, errcode in [
            ({"limit": 5}, 200018),
            ({"ids": str(FOOD), "limit": 5}, 200019),  # not the app's category
            ({"ids": "x", "limit": 5}, 200019),
            ({"ids": "420", "start": -1, "limit": 5}, 200016),
            ({"ids": "420", "limit": 31}, 200017),
            ({"ids": "420", "limit": 0}, 200017),
        ]:
            assert (await call(w, "GET", titles_path, token, params=params))["errcode"] == errcode, params

        keywords = await call(w, "GET", "/wxaapi/newtmpl/getpubtemplatekeywords", token, params={"tid": 3001})
        assert keywords["count"] == 5
        assert keywords["data"][0] == {"kid": 1, "name": "就诊人", "example": "李明", "rule": "name"}
        food_kw = await call(w, "GET", "/wxaapi/newtmpl/getpubtemplatekeywords", token, params={"tid": 1001})
        assert food_kw["errcode"] == 200014

        add = "/wxaapi/newtmpl/addtemplate"
        added = await call(
            w, "POST", add, token, json={"tid": 3001, "kidList": [4, 2, 3], "sceneDesc": "预约问诊"}
        )
        assert added["errcode"] == 0 and len(added["priTmplId"]) == 43
        # WeChat recommends form fields: kidList repeated, or one comma-separated value.
        form = await call(
            w, "POST", add, token, data={"tid": "3002", "kidList": ["1", "3"], "sceneDesc": "就诊前提醒"}
        )
        assert form["errcode"] == 0, form
        joined = await call(w, "POST", add, token, data={"tid": "3003", "kidList": "1,2", "sceneDesc": ""})
        assert joined["errcode"] == 0, joined
        for body, errcode in [
            ({"tid": 3001, "kidList": [1], "sceneDesc": "x"}, 200020),
            ({"tid": 3001, "kidList": [1, 2, 3, 4, 5, 1], "sceneDesc": "x"}, 200020),
            ({"tid": 3001, "kidList": [1, 1], "sceneDesc": "x"}, 200020),
            ({"tid": 3001, "kidList": [1, 9], "sceneDesc": "x"}, 200020),
            ({"tid": 3001, "kidList": [1, 2], "sceneDesc": "一二三四五六七八九十一二三四五六"}, 200021),
            ({"tid": 1001, "kidList": [1, 2], "sceneDesc": "x"}, 200014),
            ({"tid": 99999, "kidList": [1, 2], "sceneDesc": "x"}, 200014),
        ]:
            assert (await call(w, "POST", add, token, json=body))["errcode"] == errcode, body
        assert (await call(w, "POST", add, token, content=b""))["errcode"] == 44002
        assert (await call(w, "POST", add, token, content=b"[1]"))["errcode"] == 47001

        listed = await call(w, "GET", "/wxaapi/newtmpl/gettemplate", token)
        assert [t["priTmplId"] for t in listed["data"]] == [
            added["priTmplId"],
            form["priTmplId"],
            joined["priTmplId"],
        ]
        first = listed["data"][0]
        assert first["title"] == "预约成功通知" and first["type"] == 2
        assert first["content"] == "就诊时间:{{time4.DATA}}\n医生:{{name2.DATA}}\n科室:{{thing3.DATA}}\n"
        assert first["example"].startswith("就诊时间:2026年12月6日 19:00\n")
        assert listed["data"][1]["type"] == 3
        # Another app sees none of them and cannot delete them.
        assert (await call(w, "GET", "/wxaapi/newtmpl/gettemplate", other))["data"] == []
        stolen = await call(
            w, "POST", "/wxaapi/newtmpl/deltemplate", other, json={"priTmplId": added["priTmplId"]}
        )
        assert stolen["errcode"] == 40037
        deleted = await call(
            w, "POST", "/wxaapi/newtmpl/deltemplate", token, data={"priTmplId": added["priTmplId"]}
        )
        assert deleted == {"errcode": 0, "errmsg": "ok"}
        remaining = await call(w, "GET", "/wxaapi/newtmpl/gettemplate", token)
        assert len(remaining["data"]) == 2


async def test_long_term_needs_an_allowed_category(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        await set_category(w, w.a1, "医疗 Health", w.dev_a)
        token = (await w.token(w.a1))["access_token"]
        # The operator withdraws long-term messages from the medical category.
        from sqlalchemy import update

        from hutong.server.subscribe.models import Category

        async with w.app.state.database.session() as session:
            await session.execute(update(Category).where(Category.id == MEDICAL).values(long_term=False))
            await session.commit()
        refused = await call(
            w, "POST", "/wxaapi/newtmpl/addtemplate", token, json={"tid": 3002, "kidList": [1, 3]}
        )
        assert refused["errcode"] == 200014 and "long-term" in refused["errmsg"]
        allowed = await call(
            w, "POST", "/wxaapi/newtmpl/addtemplate", token, json={"tid": 3001, "kidList": [1, 3]}
        )
        assert allowed["errcode"] == 0
