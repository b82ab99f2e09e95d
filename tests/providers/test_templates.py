"""Templates and deployment on SQLite and PostgreSQL: drafts from the provider's uploads, the library,
/wxa/commit with ext_json merged over app.json (each merchant's config its own, the code blobs shared),
review on the merchant's behalf with the shared quota and undo, the reviewers' batch decision over
identical code, the audit events, release; and the hostile side (another provider's template, another
merchant's app, a merchant's ext in another's launch)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from hutong.server.accounts import service as accounts
from hutong.server.providers import templates
from hutong.server.providers.models import Provider
from hutong.server.storage import BlobStore
from hutong.server.wechat.errors import WxError
from tests.identity.world import RegisteredApp
from tests.providers.helpers import ProviderWorld, provider_world, upload


def ext_json(app: RegisteredApp, shop: str, colour: str, **more: Any) -> str:
    return json.dumps(
        {
            "extAppid": app.appid,
            "ext": {"shopName": shop, "menu": [f"{shop} milk tea", "jasmine"], "colour": colour},
            "window": {"navigationBarTitleText": shop, "navigationBarBackgroundColor": colour},
            **more,
        },
        ensure_ascii=False,
    )


async def _template(p: ProviderWorld, component: str) -> int:
    await upload(p.client, p.dev_p, p.dev_appid, "1.0.0")
    drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
    assert [d["user_version"] for d in drafts] == ["1.0.0"]
    added = await p.component(
        "/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"], "template_type": 0}
    )
    assert added["errcode"] == 0
    listed = (await p.component("/wxa/gettemplatelist", component))["template_list"]
    assert len(listed) == 1 and listed[0]["user_version"] == "1.0.0"
    return int(listed[0]["template_id"])


async def _access(p: ProviderWorld, component: str, app: RegisteredApp, email: str) -> str:
    code = await p.authorize(component, app, email=email, scopes=[18])
    return str((await p.query_auth(component, code))["authorization_info"]["authorizer_access_token"])


async def _config(p: ProviderWorld, appid: str, channel: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The launch manifest's bundles and the app-config.json the host would load."""
    manifest = (await p.client.get(f"/api/apps/{appid}/launch", params={"channel": channel})).json()
    bundles = manifest["bundles"]
    config = json.loads((await p.client.get(bundles["app-config.json"]["url"])).content)
    return bundles, config


async def test_commit_review_release(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        template_id = await _template(p, component)
        a1 = await _access(p, component, p.w.a1, "a@example.com")
        b1 = await _access(p, component, p.w.b1, "b@example.com")

        commit = {"template_id": template_id, "user_version": "1.0.0", "user_desc": "tea"}
        assert (
            await p.authorizer(
                "/wxa/commit", a1, {**commit, "ext_json": ext_json(p.w.a1, "阿一茶铺", "#aa0000")}
            )
        )["errcode"] == 0
        assert (
            await p.authorizer(
                "/wxa/commit", b1, {**commit, "ext_json": ext_json(p.w.b1, "B Tea", "#0000bb")}
            )
        )["errcode"] == 0
        # A retried commit is the same commit; a different one under the version is refused.
        assert (
            await p.authorizer(
                "/wxa/commit", b1, {**commit, "ext_json": ext_json(p.w.b1, "B Tea", "#0000bb")}
            )
        )["errcode"] == 0
        assert (
            await p.authorizer(
                "/wxa/commit", b1, {**commit, "ext_json": ext_json(p.w.b1, "C Tea", "#0000bb")}
            )
        )["errcode"] == 85013

        # Each trial version: the template's code blobs, shared; a config of its own with its ext.
        bundles_a, config_a = await _config_as_member(p, p.w.a1.appid, p.w.dev_a)
        bundles_b, config_b = await _config_as_member(p, p.w.b1.appid, None)
        assert {k: v["sha256"] for k, v in bundles_a.items() if k != "app-config.json"} == {
            k: v["sha256"] for k, v in bundles_b.items() if k != "app-config.json"
        }
        assert bundles_a["app-config.json"]["sha256"] != bundles_b["app-config.json"]["sha256"]
        assert config_a["ext"]["shopName"] == "阿一茶铺" and config_b["ext"]["shopName"] == "B Tea"
        assert config_a["window"]["navigationBarTitleText"] == "阿一茶铺"
        assert "B Tea" not in json.dumps(config_a, ensure_ascii=False)

        # Review on their behalf: one pending per app, the shared quota.
        assert (await p.authorizer("/wxa/queryquota", a1))["rest"] == 20
        audit_a = await p.authorizer("/wxa/submit_audit", a1, {"item_list": [], "version_desc": "tea shop"})
        assert audit_a["errcode"] == 0
        assert (await p.authorizer("/wxa/submit_audit", a1, {}))["errcode"] == 85009
        status = await p.authorizer("/wxa/get_auditstatus", a1, {"auditid": audit_a["auditid"]})
        assert status["status"] == 2 and status["user_version"] == "1.0.0"
        # Merchant B's token cannot read A's audit.
        assert (await p.authorizer("/wxa/get_auditstatus", b1, {"auditid": audit_a["auditid"]}))[
            "errcode"
        ] == 40097
        assert (await p.authorizer("/wxa/undocodeaudit", a1))["errcode"] == 0
        assert (await p.authorizer("/wxa/get_auditstatus", a1, {"auditid": audit_a["auditid"]}))[
            "status"
        ] == 3
        audit_a = await p.authorizer("/wxa/submit_audit", a1, {})
        audit_b = await p.authorizer("/wxa/submit_audit", b1, {})
        assert (await p.authorizer("/wxa/queryquota", b1))["rest"] == 17  # three submissions this month
        assert (await p.authorizer("/wxa/release", a1, {}))["errcode"] == 85019  # nothing approved yet

        # The reviewer sees one batch of identical code, with each merchant's ext, and approves it.
        async with p.w.app.state.database.session() as session:
            await accounts.sign_up(session, "reviewer@example.com", "long enough", operator_role="reviewer")
        reviewer = await _bearer(p, "reviewer@example.com")
        assert (await p.client.get("/api/review/batches", headers=p.dev_p)).status_code == 403
        batches = (await p.client.get("/api/review/batches", headers=reviewer)).json()
        assert len(batches) == 1 and batches[0]["template_version"] == "1.0.0"
        items = {item["appid"]: item for item in batches[0]["items"]}
        assert (
            items[p.w.a1.appid]["ext"]["shopName"] == "阿一茶铺"
            and items[p.w.b1.appid]["ext"]["colour"] == "#0000bb"
        )
        ids = [item["review_id"] for item in batches[0]["items"]]
        decided = await p.client.post(
            f"/api/review/batches/{batches[0]['code_sha256']}/approve",
            json={"review_ids": ids},
            headers=reviewer,
        )
        assert decided.status_code == 200 and decided.json() == {"decided": 2}
        assert (await p.authorizer("/wxa/get_auditstatus", a1, {"auditid": audit_a["auditid"]}))[
            "status"
        ] == 0
        assert (await p.authorizer("/wxa/get_latest_auditstatus", b1))["auditid"] == audit_b["auditid"]

        await p.deliver()
        successes = [x for x in p.pushes() if x.get("Event") == "weapp_audit_success"]
        assert {x["ToUserName"] for x in successes} == {p.w.a1.appid, p.w.b1.appid}

        # Release: "{}" (an empty body is 44002), then users get it.
        empty = await p.client.post("/wxa/release", params={"access_token": a1}, content=b"")
        assert empty.json()["errcode"] == 44002
        assert (await p.authorizer("/wxa/release", a1, {}))["errcode"] == 0
        assert (await p.authorizer("/wxa/release", a1, {}))["errcode"] == 85020
        _bundles, released = await _config(p, p.w.a1.appid, "release")
        assert released["ext"]["shopName"] == "阿一茶铺"


async def _bearer(p: ProviderWorld, email: str) -> dict[str, str]:
    token = await p.client.post("/api/tokens", json={"email": email, "password": "long enough"})
    assert token.status_code == 201, token.text
    return {"Authorization": f"Bearer {token.json()['token']}"}


async def _config_as_member(
    p: ProviderWorld, appid: str, headers: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The trial's bundles and config, straight from the database (trial launches need a member)."""
    from hutong.server.apps.models import App, Release

    async with p.w.app.state.database.session() as session:
        app = await session.scalar(select(App).where(App.appid == appid))
        assert app is not None and app.trial_release_id is not None
        release = await session.get(Release, app.trial_release_id)
        assert release is not None
    store: BlobStore = p.w.app.state.blobs
    data = store.get(release.bundles["app-config.json"]["sha256"])
    assert data is not None
    return release.bundles, json.loads(data)


async def test_ext_json_rules_and_template_hostility(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        template_id = await _template(p, component)
        a1 = await _access(p, component, p.w.a1, "a@example.com")
        commit = {"template_id": template_id, "user_version": "1.0.0"}

        async def errcode(ext: object, **more: Any) -> int:
            return int(
                (await p.authorizer("/wxa/commit", a1, {**commit, **more, "ext_json": ext}))["errcode"]
            )

        assert await errcode("{not json") == 85048
        assert await errcode(json.dumps({"extAppid": p.w.b1.appid})) == 85013
        assert await errcode(json.dumps({"extPages": {"pages/nowhere/nowhere": {}}})) == 85045
        assert await errcode(json.dumps({"pages": []})) == 85047
        assert (
            await errcode(json.dumps({"tabBar": {"list": [{"pagePath": "pages/nowhere/x", "text": "x"}]}}))
            == 85045
        )
        assert await errcode(json.dumps({"surprise": 1})) == 85013
        assert await errcode("{}", template_id=template_id + 999) == 85014
        # networkTimeout and extPages merge over the template's.
        ok = json.dumps(
            {
                "networkTimeout": {"request": 5000},
                "extPages": {"pages/menu/menu": {"navigationBarTitleText": "Menu"}},
            }
        )
        assert await errcode(ok) == 0
        _bundles, config = await _config_as_member(p, p.w.a1.appid, None)
        assert config["networkTimeout"]["request"] == 5000 and config["ext"] == {}
        assert config["pageConfigs"]["pages/menu/menu"]["window"]["navigationBarTitleText"] == "Menu"

        # Another provider's template is not this provider's to commit.
        other = await p.client.post("/api/orgs", json={"name": "Rival"}, headers=p.w.dev_a)
        rival = await p.client.post(
            f"/api/orgs/{other.json()['id']}/provider",
            json={
                "name": "Rival",
                "message_url": p.inbox.url,
                "token": "abc",
                "encoding_aes_key": "a" * 43,
                "funcscopes": [18],
            },
            headers=p.w.dev_a,
        )
        assert rival.status_code == 201, rival.text
        async with p.w.app.state.database.session() as session:
            rival_provider = await session.scalar(
                select(Provider).where(Provider.component_appid == rival.json()["component_appid"])
            )
            assert rival_provider is not None
            with pytest.raises(WxError) as refused:
                await templates.template_of(session, rival_provider, template_id)
        assert refused.value.errcode == 85014

        # Deleting; the library's cap.
        assert (await p.component("/wxa/deletetemplate", component, {"template_id": template_id}))[
            "errcode"
        ] == 0
        assert (await p.component("/wxa/deletetemplate", component, {"template_id": template_id}))[
            "errcode"
        ] == 85014
        cap = templates.TEMPLATE_CAP
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        try:
            templates.TEMPLATE_CAP = 1
            assert (await p.component("/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"]}))[
                "errcode"
            ] == 0
            assert (await p.component("/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"]}))[
                "errcode"
            ] == 85065
        finally:
            templates.TEMPLATE_CAP = cap
        # A draft of someone else's app is no draft of this provider.
        assert (await p.component("/wxa/addtotemplate", component, {"draft_id": 10**6}))["errcode"] == 85064

        # The quota, shared by the provider's merchants.
        async with p.w.app.state.database.session() as session:
            await session.execute(update(Provider).values(audit_quota=0))
        assert (await p.authorizer("/wxa/submit_audit", a1, {}))["errcode"] == 85085
