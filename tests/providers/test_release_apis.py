"""The other code-management APIs on a merchant's behalf, on SQLite and PostgreSQL: get_page (the
trial version's pages), get_category, and gray release on the platform's own phased rollout
(grayrelease, getgrayreleaseplan, revertgrayrelease; /wxa/release then goes to everyone), with
WeChat's errcodes."""

from __future__ import annotations

from pathlib import Path

from hutong.server.accounts import service as accounts
from tests.providers.helpers import ProviderWorld, provider_world
from tests.providers.test_templates import _access, _bearer, _config, _config_as_member, _template, ext_json


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
        category = await p.authorizer("/wxa/get_category", access)
        assert category["errcode"] == 0 and isinstance(category["category_list"], list)

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
