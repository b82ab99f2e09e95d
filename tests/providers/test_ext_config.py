"""ext.json in the provider's uploads, on SQLite and PostgreSQL, as WeChat's DevTools use it for
template development: ``extEnable`` makes the development app run with it (ext, window, extPages,
networkTimeout merged; ``ext`` for wx.getExtConfigSync) while the draft's template keeps the code's
own config for /wxa/commit; ``directCommit`` skips the drafts and makes the upload the ext app's trial
version (only for an app that authorized the provider), which the provider then submits for review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hutong.cli.platform import zip_project
from hutong.server.apps.models import App, Release
from hutong.server.storage import BlobStore
from tests.providers.helpers import EXAMPLES, ProviderWorld, provider_world
from tests.providers.test_templates import _access, _config_as_member


async def _upload(p: ProviderWorld, tmp_path: Path, version: str, ext: object) -> httpx.Response:
    project = tmp_path / "tea"
    if not project.exists():
        shutil.copytree(EXAMPLES / "tea", project)
    text = ext if isinstance(ext, str) else json.dumps(ext, ensure_ascii=False)
    (project / "ext.json").write_text(text, encoding="utf-8")
    return await p.client.post(
        f"/api/manage/apps/{p.dev_appid}/versions",
        files={"project": ("p.zip", zip_project(project), "application/zip")},
        data={"version": version, "description": f"tea {version}"},
        headers=p.dev_p,
    )


async def _release_config(p: ProviderWorld, release_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    async with p.w.app.state.database.session() as session:
        release = await session.get(Release, release_id)
        assert release is not None
    store: BlobStore = p.w.app.state.blobs
    data = store.get(release.bundles["app-config.json"]["sha256"])
    assert data is not None
    return release.bundles, json.loads(data)


async def test_ext_json_debugs_the_template_and_direct_commit(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        a1 = await _access(p, component, p.w.a1, "a@example.com")
        debug = {
            "extEnable": True,
            "extAppid": p.w.a1.appid,
            "directCommit": False,
            "ext": {"shopName": "Dev Tea", "menu": ["debug tea"]},
            "window": {"navigationBarTitleText": "开发调试"},
            "extPages": {"pages/me/me": {"navigationBarTitleText": "我的调试"}},
            "networkTimeout": {"request": 5000},
        }

        # extEnable: the development app runs with the ext; the upload is a draft as before.
        uploaded = await _upload(p, tmp_path, "1.0.0", debug)
        assert uploaded.status_code == 201, uploaded.text
        draft_id = int(uploaded.json()["id"])
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        assert [d["draft_id"] for d in drafts] == [draft_id]
        dev_bundles, dev_config = await _release_config(p, draft_id)
        assert dev_config["ext"] == {"shopName": "Dev Tea", "menu": ["debug tea"]}
        assert dev_config["window"]["navigationBarTitleText"] == "开发调试"
        assert dev_config["pageConfigs"]["pages/me/me"]["window"]["navigationBarTitleText"] == "我的调试"
        assert dev_config["networkTimeout"]["request"] == 5000

        # The template is the code's own config: a merchant's commit merges over app.json, not over
        # the developer's debugging ext.
        await p.component("/wxa/addtotemplate", component, {"draft_id": draft_id})
        listed = (await p.component("/wxa/gettemplatelist", component))["template_list"]
        template_id = listed[0]["template_id"]
        body = {
            "template_id": template_id,
            "user_version": "1.0.0",
            "ext_json": json.dumps({"ext": {"shopName": "阿一茶铺"}}, ensure_ascii=False),
        }
        assert (await p.authorizer("/wxa/commit", a1, body))["errcode"] == 0
        bundles, config = await _config_as_member(p, p.w.a1.appid, None)
        assert config["ext"] == {"shopName": "阿一茶铺"}
        assert config["window"]["navigationBarTitleText"] == "茶小铺"
        assert config["pageConfigs"]["pages/me/me"]["window"].get("navigationBarTitleText") != "我的调试"
        assert config.get("networkTimeout", {}).get("request") != 5000
        assert "template-config.json" not in bundles
        shared = {k: v["sha256"] for k, v in bundles.items() if k != "app-config.json"}
        configs = ("app-config.json", "template-config.json")
        assert shared == {k: v["sha256"] for k, v in dev_bundles.items() if k not in configs}

        # Without extEnable the file is ignored, as WeChat ignores it.
        off = await _upload(p, tmp_path, "1.0.1", {**debug, "extEnable": False})
        assert off.status_code == 201, off.text
        _bundles, off_config = await _release_config(p, int(off.json()["id"]))
        assert not off_config.get("ext") and off_config["window"]["navigationBarTitleText"] == "茶小铺"
        bad = await _upload(p, tmp_path, "1.0.2", "{not json")
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_ext_json"

        # directCommit: only to an app that authorized the provider; no draft, the ext app's trial.
        direct = {**debug, "directCommit": True, "ext": {"shopName": "Direct Tea"}}
        refused = await _upload(p, tmp_path, "2.0.0", {**direct, "extAppid": p.w.b1.appid})
        assert refused.status_code == 403 and refused.json()["code"] == "not_authorized"
        committed = await _upload(p, tmp_path, "2.0.0", direct)
        assert committed.status_code == 201, committed.text
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        assert "2.0.0" not in [d["user_version"] for d in drafts]
        async with p.w.app.state.database.session() as session:
            a1_app = await session.scalar(select(App).where(App.appid == p.w.a1.appid))
            assert a1_app is not None and a1_app.trial_release_id == int(committed.json()["id"])
        _bundles, trial = await _config_as_member(p, p.w.a1.appid, None)
        assert trial["ext"] == {"shopName": "Direct Tea"}
        assert trial["window"]["navigationBarTitleText"] == "开发调试"
        # The provider submits it for review on the merchant's behalf.
        audit = await p.authorizer("/wxa/submit_audit", a1, {"item_list": []})
        assert audit["errcode"] == 0, audit
        latest = await p.authorizer("/wxa/get_latest_auditstatus", a1)
        assert latest["auditid"] == audit["auditid"] and latest["user_version"] == "2.0.0"
