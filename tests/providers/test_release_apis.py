"""The other code-management APIs on a merchant's behalf, on SQLite and PostgreSQL: get_page (the
trial version's pages), get_category, and gray release on the platform's own phased rollout
(grayrelease, getgrayreleaseplan, revertgrayrelease; /wxa/release then goes to everyone), with
WeChat's errcodes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from sqlalchemy import select, update

from hutong.cli.platform import zip_project
from hutong.server.accounts import service as accounts
from hutong.server.apps.models import App
from hutong.server.discovery import links
from hutong.server.discovery.codes import read_codes
from hutong.server.events import guard_push
from hutong.server.providers import crypto
from hutong.server.providers.models import Provider
from tests.conftest import TEST_APPS
from tests.identity.world import RegisteredApp
from tests.outbox.receiver import receiver
from tests.providers.helpers import ProviderWorld, provider_world
from tests.providers.test_templates import _access, _bearer, _config, _config_as_member, _template, ext_json
from tests.subscribe.helpers import set_category

STOPPED = {
    "release_id": 7,
    "version": "2.0.0",
    "stop": "rollback",
    "reason": "20 of 20 visits of the new version failed (100%) against 0 of 25 (0%) <&>",
    "new": {"sessions": 20, "failed": 20},
    "current": {"sessions": 25, "failed": 0},
}


async def _commit_and_approve(
    p: ProviderWorld, access: str, template_id: int, version: str, shop: str = "阿一"
) -> None:
    body = {
        "template_id": template_id,
        "user_version": version,
        "ext_json": ext_json(p.w.a1, shop, "#aa0000"),
    }
    assert (await p.authorizer("/wxa/commit", access, body))["errcode"] == 0
    assert (await p.authorizer("/wxa/submit_audit", access, {}))["errcode"] == 0
    reviewer = await _bearer(p, "reviewer@example.com")
    batch = (await p.client.get("/api/review/batches", headers=reviewer)).json()[0]
    ids = [item["review_id"] for item in batch["items"]]
    decided = await p.client.post(
        f"/api/review/batches/{batch['code_sha256']}/approve", json={"review_ids": ids}, headers=reviewer
    )
    assert decided.json() == {"decided": 1}


async def test_pages_category_and_gray_release(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        async with p.w.app.state.database.session() as session:
            await accounts.sign_up(session, "reviewer@example.com", "long enough", operator_role="reviewer")
        component = await p.component_token()
        template_id = await _template(p, component)
        access = await _access(p, component, p.w.a1, "a@example.com")

        # Nothing committed yet: no pages; then the trial's pages in its config's order.
        assert (await p.authorizer("/wxa/get_page", access))["errcode"] == 86000
        await _commit_and_approve(p, access, template_id, "1.0.0")
        _bundles, config = await _config_as_member(p, p.w.a1.appid, None)
        pages = await p.authorizer("/wxa/get_page", access)
        assert pages["errcode"] == 0 and pages["page_list"] == config["pages"] and pages["page_list"]
        # The app's category text as WeChat's two levels, with ids.
        for text, expected in (
            ("茶饮 tea", {"first_class": "餐饮", "second_class": "饮品", "first_id": 307, "second_id": 3072}),
            (
                "Shopping",
                {"first_class": "购物", "second_class": "电商平台", "first_id": 311, "second_id": 3111},
            ),
            ("占卜", {"first_class": "工具", "second_class": "其他", "first_id": 450, "second_id": 4509}),
        ):
            async with p.w.app.state.database.session() as session:
                await session.execute(update(App).where(App.appid == p.w.a1.appid).values(category=text))
            category = await p.authorizer("/wxa/get_category", access)
            assert category["errcode"] == 0 and category["category_list"] == [expected], category

        # A gray release needs a version online first.
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 10}))["errcode"] == 85079
        assert (await p.authorizer("/wxa/release", access, {}))["errcode"] == 0
        plan = await p.authorizer("/wxa/getgrayreleaseplan", access)
        assert plan["gray_release_plan"] == {"status": 0, "create_timestamp": 0, "gray_percentage": 0}
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 10}))["errcode"] == 85080

        await _commit_and_approve(p, access, template_id, "1.1.0", "阿一新店")
        for wrong in (0, 101, "10", True):
            assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": wrong}))[
                "errcode"
            ] == 85081
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 10}))["errcode"] == 0
        plan = (await p.authorizer("/wxa/getgrayreleaseplan", access))["gray_release_plan"]
        assert plan["status"] == 1 and plan["gray_percentage"] == 10 and plan["create_timestamp"] > 0
        # The platform's rollout carries it: 1.0.0 stays current, 1.1.0 goes to the 10 %.
        state = (await p.client.get(f"/api/manage/apps/{p.w.a1.appid}/release", headers=p.w.dev_a)).json()
        assert state["current"]["version"] == "1.0.0"
        assert state["rollout"]["version"] == "1.1.0" and state["percentage"] == 10
        # It only grows.
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 10}))["errcode"] == 85082
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 40}))["errcode"] == 0
        assert (await p.authorizer("/wxa/getgrayreleaseplan", access))["gray_release_plan"][
            "gray_percentage"
        ] == 40

        # Reverted: everyone on 1.0.0 again; gray again, then /wxa/release takes 1.1.0 to everyone.
        assert (await p.authorizer("/wxa/revertgrayrelease", access))["errcode"] == 0
        assert (await p.authorizer("/wxa/getgrayreleaseplan", access))["gray_release_plan"]["status"] == 0
        _bundles, launched = await _config(p, p.w.a1.appid, "release")
        assert launched["ext"]["shopName"] == "阿一"
        assert (await p.authorizer("/wxa/grayrelease", access, {"gray_percentage": 5}))["errcode"] == 0
        assert (await p.authorizer("/wxa/release", access, {}))["errcode"] == 0
        assert (await p.authorizer("/wxa/getgrayreleaseplan", access))["gray_release_plan"]["status"] == 0
        state = (await p.client.get(f"/api/manage/apps/{p.w.a1.appid}/release", headers=p.w.dev_a)).json()
        assert state["current"]["version"] == "1.1.0" and state["rollout"] is None
        _bundles, launched = await _config(p, p.w.a1.appid, "release")
        assert launched["ext"]["shopName"] == "阿一新店"


async def test_authorized_apps_events_go_to_the_event_url(tmp_path: Path, database_url: str) -> None:
    """With an event URL ($APPID$), a merchant app's review result goes there with its appid in the
    path, decrypted as wechatpy decrypts WeChat's; tickets and authorization events stay on the
    message URL."""
    async with provider_world(tmp_path, database_url) as p:
        with receiver(200, path="/apps") as per_app, receiver(200) as elsewhere:
            # Registration checks the URL; the provider here gets one through the same path.
            org = (await p.client.post("/api/orgs", json={"name": "Other Partners"}, headers=p.dev_p)).json()
            body = {
                "name": "Other Partners",
                "message_url": elsewhere.url,
                "token": "othertoken",
                "encoding_aes_key": crypto.new_aes_key(),
                "funcscopes": [18],
                "event_url": per_app.url + "/events",
            }
            refused = await p.client.post(f"/api/orgs/{org['id']}/provider", json=body, headers=p.dev_p)
            assert refused.status_code == 422 and refused.json()["code"] == "invalid_event_url"
            body["event_url"] = per_app.url + "/$APPID$/events"
            made = await p.client.post(f"/api/orgs/{org['id']}/provider", json=body, headers=p.dev_p)
            assert made.status_code == 201 and made.json()["event_url"] == body["event_url"]
            async with p.w.app.state.database.session() as session:
                await session.execute(
                    update(Provider)
                    .where(Provider.component_appid == p.component_appid)
                    .values(event_url=body["event_url"])
                )
                await accounts.sign_up(
                    session, "reviewer@example.com", "long enough", operator_role="reviewer"
                )

            component = await p.component_token()
            template_id = await _template(p, component)
            access = await _access(p, component, p.w.a1, "a@example.com")
            await _commit_and_approve(p, access, template_id, "1.0.0")
            await p.deliver()
            assert len(per_app.bodies) == 1
            assert urlsplit(per_app.queries[0]).path == f"/apps/{p.w.a1.appid}/events"
            params = {key: values[0] for key, values in parse_qs(urlsplit(per_app.queries[0]).query).items()}
            plain = p.wechat_crypto.decrypt_message(
                per_app.bodies[0], params["msg_signature"], params["timestamp"], params["nonce"]
            )
            event = ElementTree.fromstring(plain)
            assert event.findtext("Event") == "weapp_audit_success"
            assert event.findtext("ToUserName") == p.w.a1.appid
            # The message URL kept the chain's pushes and got no review result.
            kinds = [x.get("InfoType") or x.get("Event") for x in p.pushes()]
            assert "authorized" in kinds and "weapp_audit_success" not in kinds

            # The release guard stops a phased release of the authorized app (without a message
            # push of the app's own): the provider hears it at the app's event URL, as a review result.
            async with p.w.app.state.database.session() as session:
                merchant = await session.scalar(select(App).where(App.appid == p.w.a1.appid))
                assert merchant is not None
                jobs = await guard_push.notify(session, merchant, STOPPED)
            assert len(jobs) == 1
            await p.deliver()
            assert len(per_app.bodies) == 2
            assert urlsplit(per_app.queries[1]).path == f"/apps/{p.w.a1.appid}/events"
            params = {key: values[0] for key, values in parse_qs(urlsplit(per_app.queries[1]).query).items()}
            plain = p.wechat_crypto.decrypt_message(
                per_app.bodies[1], params["msg_signature"], params["timestamp"], params["nonce"]
            )
            event = ElementTree.fromstring(plain)
            assert {child.tag: child.text for child in event} | {"CreateTime": "t"} == {
                "ToUserName": p.w.a1.appid,
                "FromUserName": "hutong",
                "CreateTime": "t",
                "MsgType": "event",
                "Event": "hutong_release_guard",
                "Version": "2.0.0",
                "ReleaseId": "7",
                "Action": "rollback",
                "Reason": STOPPED["reason"],
                "NewSessions": "20",
                "NewFailed": "20",
                "CurrentSessions": "25",
                "CurrentFailed": "0",
            }
            assert "hutong_release_guard" not in [x.get("Event") for x in p.pushes()]


async def test_ext_json_chooses_subpackages(tmp_path: Path, database_url: str) -> None:
    """A template with subpackages: ext_json's ``subpackages`` picks which compiled subpackages (and
    pages) a merchant gets, ``extPages`` sets a subpackage page's window, ``pages`` takes main-package
    pages only; anything not compiled is 85045."""
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        uploaded = await p.client.post(
            f"/api/manage/apps/{p.dev_appid}/versions",
            files={"project": ("p.zip", zip_project(TEST_APPS / "test-subpackages"), "application/zip")},
            data={"version": "1.0.0", "description": "subpackages"},
            headers=p.dev_p,
        )
        assert uploaded.status_code == 201, uploaded.text
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        await p.component("/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"]})
        template_id = (await p.component("/wxa/gettemplatelist", component))["template_list"][0][
            "template_id"
        ]
        access = await _access(p, component, p.w.a1, "a@example.com")

        async def commit(version: str, ext: dict[str, object]) -> int:
            body = {"template_id": template_id, "user_version": version, "ext_json": json.dumps(ext)}
            return int((await p.authorizer("/wxa/commit", access, body))["errcode"])

        assert await commit("0.1.0", {"subpackages": [{"root": "nope"}]}) == 85045
        assert await commit("0.1.1", {"subpackages": [{"root": "shop", "pages": ["list/none"]}]}) == 85045
        assert await commit("0.1.2", {"pages": ["shop/list/list"]}) == 85045
        assert await commit("0.1.3", {"subpackages": {"root": "shop"}}) == 85013

        chosen: dict[str, object] = {
            "subpackages": [{"root": "shop", "pages": ["list/list"]}],
            "extPages": {"shop/list/list": {"navigationBarTitleText": "Menu"}},
            "ext": {"shopName": "Sub Tea"},
        }
        assert await commit("1.0.0", chosen) == 0
        _bundles, config = await _config_as_member(p, p.w.a1.appid, None)
        assert [package["root"] for package in config["packages"]] == ["", "shop"]
        assert config["pages"] == ["pages/home/home", "shop/list/list"]
        assert config["pageConfigs"]["shop/list/list"]["window"]["navigationBarTitleText"] == "Menu"
        assert config["ext"] == {"shopName": "Sub Tea"}

        # Without subpackages in ext_json, every compiled one stays, even when pages are chosen.
        assert await commit("1.0.1", {"pages": ["pages/home/home"]}) == 0
        _bundles, config = await _config_as_member(p, p.w.a1.appid, None)
        assert [package["root"] for package in config["packages"]] == ["", "shop", "extra"]
        assert config["pages"] == ["pages/home/home", "shop/list/list", "extra/e/e"]


async def test_speedup_delay_visit_status_and_trial_qrcode(tmp_path: Path, database_url: str) -> None:
    """speedupaudit against the provider's monthly speed-up quota (queryquota's speedup_rest and
    speedup_limit), sped-up batches first for reviewers, a reviewer's delay (status 4 and
    weapp_audit_delay), change_visitstatus (a closed app cannot be launched) and get_qrcode (the trial
    version's code for ``path``, JPEG bytes), with WeChat's errcodes."""
    async with provider_world(tmp_path, database_url) as p:
        async with p.w.app.state.database.session() as session:
            await accounts.sign_up(session, "reviewer@example.com", "long enough", operator_role="reviewer")
        reviewer = await _bearer(p, "reviewer@example.com")
        component = await p.component_token()
        template_id = await _template(p, component)
        a1 = await _access(p, component, p.w.a1, "a@example.com")
        a2 = await _access(p, component, p.w.a2, "a@example.com")
        quota = await p.authorizer("/wxa/queryquota", a1)
        assert (quota["speedup_rest"], quota["speedup_limit"]) == (5, 5)

        async def submit(access: str, app: RegisteredApp) -> int:
            body = {
                "template_id": template_id,
                "user_version": "1.0.0",
                "ext_json": ext_json(app, "阿一", "#a00"),
            }
            assert (await p.authorizer("/wxa/commit", access, body))["errcode"] == 0
            audit = await p.authorizer("/wxa/submit_audit", access, {})
            assert audit["errcode"] == 0
            return int(audit["auditid"])

        audit_1 = await submit(a1, p.w.a1)
        assert (await p.authorizer("/wxa/speedupaudit", a1, {"auditid": audit_1 + 100}))["errcode"] == 89402
        # Another merchant's token cannot speed up a1's review.
        assert (await p.authorizer("/wxa/speedupaudit", a2, {"auditid": audit_1}))["errcode"] == 89402
        assert (await p.authorizer("/wxa/speedupaudit", a1, {"auditid": audit_1}))["errcode"] == 0
        assert (await p.authorizer("/wxa/speedupaudit", a1, {"auditid": audit_1}))["errcode"] == 89404
        quota = await p.authorizer("/wxa/queryquota", a2)
        assert (quota["speedup_rest"], quota["speedup_limit"]) == (4, 5)
        async with p.w.app.state.database.session() as session:
            await session.execute(
                update(Provider).where(Provider.component_appid == p.component_appid).values(speedup_quota=1)
            )
        audit_2 = await submit(a2, p.w.a2)
        assert (await p.authorizer("/wxa/speedupaudit", a2, {"auditid": audit_2}))["errcode"] == 89405

        # Reviewers see the sped-up review marked; a delay keeps it pending with status 4 and a push.
        batch = (await p.client.get("/api/review/batches", headers=reviewer)).json()[0]
        assert batch["speedup"] is True
        assert {item["appid"]: item["speedup"] for item in batch["items"]} == {
            p.w.a1.appid: True,
            p.w.a2.appid: False,
        }
        path = f"/api/review/batches/{batch['code_sha256']}/delay"
        unexplained = await p.client.post(path, json={"review_ids": [audit_1]}, headers=reviewer)
        assert unexplained.status_code == 422
        delayed = await p.client.post(
            path, json={"review_ids": [audit_1], "reason": "需要补充类目资质"}, headers=reviewer
        )
        assert delayed.json() == {"delayed": 1}
        status = await p.authorizer("/wxa/get_auditstatus", a1, {"auditid": audit_1})
        assert status["status"] == 4 and status["reason"] == "需要补充类目资质"
        assert (await p.authorizer("/wxa/get_latest_auditstatus", a1))["status"] == 4
        await p.deliver_until(lambda: any(x.get("Event") == "weapp_audit_delay" for x in p.pushes()))
        delays = [x for x in p.pushes() if x.get("Event") == "weapp_audit_delay"]
        assert len(delays) == 1 and delays[0]["ToUserName"] == p.w.a1.appid
        assert delays[0]["Reason"] == "需要补充类目资质" and int(delays[0]["DelayTime"]) > 0
        approved = await p.client.post(
            f"/api/review/batches/{batch['code_sha256']}/approve",
            json={"review_ids": [audit_1]},
            headers=reviewer,
        )
        assert approved.json() == {"decided": 1}
        assert (await p.authorizer("/wxa/get_auditstatus", a1, {"auditid": audit_1}))["status"] == 0
        assert (await p.authorizer("/wxa/release", a1, {}))["errcode"] == 0

        # Visit status: closed, nobody can open the released app; open again, it launches.
        launch = f"/api/apps/{p.w.a1.appid}/launch"
        assert (await p.client.get(launch)).status_code == 200
        assert (await p.authorizer("/wxa/getvisitstatus", a1, {}))["status"] == 1
        assert (await p.authorizer("/wxa/change_visitstatus", a1, {"action": "pause"}))["errcode"] == 40097
        assert (await p.authorizer("/wxa/change_visitstatus", a1, {"action": "close"}))["errcode"] == 0
        closed = await p.client.get(launch)
        assert closed.status_code == 410 and closed.json()["code"] == "app_closed"
        assert (await p.authorizer("/wxa/getvisitstatus", a1, {}))["status"] == 0
        assert (await p.authorizer("/wxa/change_visitstatus", a1, {"action": "open"}))["errcode"] == 0
        assert (await p.client.get(launch)).status_code == 200

        # The trial version's code: JPEG bytes carrying the trial link to path (URL-encoded once).
        code = await p.client.get(
            "/wxa/get_qrcode", params={"access_token": a1, "path": "pages/menu/menu?table=3"}
        )
        assert code.status_code == 200 and code.headers["content-type"] == "image/jpeg"
        assert code.headers["content-disposition"] == 'attachment; filename="QRCode.jpg"'
        (content,) = read_codes(code.content)  # one code, read as itself alone
        address = links.parse(content)
        assert (address.appid, address.channel, address.page) == (p.w.a1.appid, "trial", "pages/menu/menu")
        assert address.query == {"table": "3"}
        b1 = await _access(p, component, p.w.b1, "b@example.com")
        nothing = await p.client.get("/wxa/get_qrcode", params={"access_token": b1})
        assert nothing.json()["errcode"] == 86000


async def test_authorized_apps_messages_and_subscription_events_go_to_the_provider(
    tmp_path: Path, database_url: str
) -> None:
    """As WeChat sends an authorized app's messages and events to the third party's 消息与事件接收 URL:
    a user's customer-service messages (set 19) and the subscription dialog's answer (set 18) reach the
    provider's event URL for that app, encrypted (opened with wechatpy's WeChatCrypto), FromUserName the
    user's openid in the app; an app that did not authorize the provider sends it nothing, and the
    message URL keeps only the chain's pushes."""
    async with provider_world(tmp_path, database_url) as p:
        with receiver(200, path="/apps") as per_app:
            async with p.w.app.state.database.session() as session:
                await session.execute(
                    update(Provider)
                    .where(Provider.component_appid == p.component_appid)
                    .values(event_url=per_app.url + "/$APPID$/events")
                )
            component = await p.component_token()
            code = await p.authorize(component, p.w.a1, scopes=[18, 19, 20])
            access = str(
                (await p.query_auth(component, code))["authorization_info"]["authorizer_access_token"]
            )
            await set_category(p.w, p.w.a1, "医疗 Health", p.w.dev_a)
            added = await p.authorizer(
                "/wxaapi/newtmpl/addtemplate", access, {"tid": 3005, "kidList": [1, 2], "sceneDesc": "提醒"}
            )
            template = added["priTmplId"]
            openid = (await p.w.login(p.w.a1))["openid"]

            csrf = {"X-CSRF-Token": p.w.csrf}
            for app in (p.w.a1, p.w.b1):
                base = f"/api/me/support/{app.appid}"
                entered = await p.client.post(f"{base}/enter", json={"session_from": "menu"}, headers=csrf)
                assert entered.status_code == 200, entered.text
                sent = await p.client.post(
                    f"{base}/messages", json={"type": "text", "content": "你好"}, headers=csrf
                )
                assert sent.status_code == 201, sent.text
            body = {"tmplIds": [template], "choices": {template: "accept"}, "keep": True}
            decided = await p.client.post(f"/api/me/subscribe/{p.w.a1.appid}/decide", json=body, headers=csrf)
            assert decided.status_code == 200, decided.text
            await p.deliver_until(lambda: len(per_app.queries) >= 3)

            events = []
            for raw, query in zip(per_app.bodies, per_app.queries, strict=True):
                assert urlsplit(query).path == f"/apps/{p.w.a1.appid}/events"
                params = {key: values[0] for key, values in parse_qs(urlsplit(query).query).items()}
                plain = p.wechat_crypto.decrypt_message(
                    raw, params["msg_signature"], params["timestamp"], params["nonce"]
                )
                events.append(ElementTree.fromstring(plain))
            assert all(e.findtext("ToUserName") == p.w.a1.appid for e in events)
            assert all(e.findtext("FromUserName") == openid for e in events)
            by_kind = {e.findtext("Event") or e.findtext("MsgType"): e for e in events}
            assert set(by_kind) == {"user_enter_tempsession", "text", "subscribe_msg_popup_event"}
            assert by_kind["user_enter_tempsession"].findtext("SessionFrom") == "menu"
            assert by_kind["text"].findtext("Content") == "你好" and by_kind["text"].findtext("MsgId")
            item = by_kind["subscribe_msg_popup_event"].find("SubscribeMsgPopupEvent/List")
            assert item is not None
            assert {child.tag: child.text for child in item} == {
                "TemplateId": template,
                "SubscribeStatusString": "accept",
                "PopupScene": "0",
            }
            kinds = {x.get("Event") or x.get("MsgType") or x.get("InfoType") for x in p.pushes()}
            assert kinds.isdisjoint({"user_enter_tempsession", "text", "subscribe_msg_popup_event"})
