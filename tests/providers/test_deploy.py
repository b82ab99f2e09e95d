"""Batch deployment and the consoles, on SQLite and PostgreSQL (the progress bar's browser test on
PostgreSQL alone): a deployment to an authorized merchant
and to one that never authorized the provider (refused with WeChat's 61003, shown as a failure to
retry), the outbox job that runs it, the provider's console page (merchants, versions, library,
progress, failures) and the reviewers' batch page deciding through the console's form."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.providers import deploy
from hutong.server.providers.merchants import parse_merchants
from tests.conftest import on_databases, serve
from tests.providers.helpers import PASSWORD, provider_world, upload


def test_merchants_files() -> None:
    csv_rows = parse_merchants('appid,shopName,menu\nhx1,"阿一","[""a"",""b""]"\nhx2,B Tea,\n', "csv")
    assert csv_rows[0] == {
        "appid": "hx1",
        "ext_json": {"extAppid": "hx1", "ext": {"shopName": "阿一", "menu": ["a", "b"]}},
    }
    assert csv_rows[1]["ext_json"]["ext"] == {"shopName": "B Tea", "menu": ""}
    json_rows = parse_merchants('[{"appid": "hx3", "ext": {"shopName": "C"}}]', "json")
    assert json_rows == [{"appid": "hx3", "ext_json": {"extAppid": "hx3", "ext": {"shopName": "C"}}}]


async def test_deployment_progress_failures_and_consoles(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        await upload(p.client, p.dev_p, p.dev_appid, "1.0.0")
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        await p.component("/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"]})
        template_id = (await p.component("/wxa/gettemplatelist", component))["template_list"][0][
            "template_id"
        ]
        await p.authorize(component, p.w.a1, scopes=[18])

        body = {
            "template_id": template_id,
            "user_version": "1.0.0",
            "user_desc": "spring menu",
            "merchants": [
                {"appid": p.w.a1.appid, "ext_json": {"ext": {"shopName": "A Tea"}}},
                {"appid": p.w.b1.appid, "ext_json": {"ext": {"shopName": "Not mine"}}},
            ],
        }
        # Only the provider's members deploy.
        assert (
            await p.client.post(f"/api/orgs/{p.org_p}/provider/deployments", json=body, headers=p.w.dev_a)
        ).status_code == 404
        created = await p.client.post(f"/api/orgs/{p.org_p}/provider/deployments", json=body, headers=p.dev_p)
        assert created.status_code == 201, created.text
        deployment = created.json()
        assert deployment["counts"]["pending"] == 2
        worker = outbox.Worker(p.w.app.state.database, p.w.app.state.settings, topics={deploy.TOPIC})
        assert await worker.run_once() == 1
        path = f"/api/orgs/{p.org_p}/provider/deployments/{deployment['id']}"
        done = (await p.client.get(path, headers=p.dev_p)).json()
        assert done["counts"] == {"pending": 0, "committed": 0, "submitted": 1, "failed": 1}
        failed = next(i for i in done["items"] if i["state"] == "failed")
        assert failed["appid"] == p.w.b1.appid and failed["errcode"] == 61003

        # The provider's console: merchants with versions, the library, the progress and the failure.
        browser, csrf = await p.merchant_browser("p@example.com")
        page = await browser.get(f"/console/orgs/{p.org_p}/provider")
        assert page.status_code == 200, page.text
        assert p.w.a1.appid in page.text and "1 submitted" in page.text and "61003" in page.text
        again = await browser.post(
            f"/console/orgs/{p.org_p}/provider/deployments/{deployment['id']}/retry",
            data={"csrf_token": csrf},
        )
        assert again.status_code == 303 and "1%20merchants%20queued%20again" in again.headers["location"]
        await browser.aclose()
        assert await worker.run_once() == 1
        assert (await p.client.get(path, headers=p.dev_p)).json()["counts"][
            "failed"
        ] == 1  # still not authorized

        # The reviewer's batch page shows each merchant's ext; the form decides the batch.
        async with p.w.app.state.database.session() as session:
            await accounts.sign_up(session, "reviewer@example.com", "long enough", operator_role="reviewer")
        reviewer, reviewer_csrf = await p.merchant_browser("reviewer@example.com")
        batches = await reviewer.get("/console/review/batches")
        assert batches.status_code == 200 and "A Tea" in batches.text and "Not mine" not in batches.text
        listed = (await reviewer.get("/api/review/batches")).json()
        form = {
            "csrf_token": reviewer_csrf,
            "review_ids": ",".join(str(i["review_id"]) for i in listed[0]["items"]),
        }
        decided = await reviewer.post(
            f"/console/review/batches/{listed[0]['code_sha256']}/approve", data=form
        )
        assert decided.status_code == 303 and "approved" in decided.headers["location"]
        await reviewer.aclose()
        access = (await p.query_auth(component, await p.authorize(component, p.w.a1, scopes=[18])))[
            "authorization_info"
        ]
        assert (await p.authorizer("/wxa/get_latest_auditstatus", access["authorizer_access_token"]))[
            "status"
        ] == 0


@on_databases("postgres")
async def test_console_progress_bar_refreshes_itself(
    browser: Browser, tmp_path: Path, database_url: str
) -> None:
    """The provider's console, open on a running deployment, follows it without a reload: the bar,
    the counts and the failures (with the retry button) appear as the outbox job works."""
    async with provider_world(tmp_path, database_url) as p:
        component = await p.component_token()
        await upload(p.client, p.dev_p, p.dev_appid, "1.0.0")
        drafts = (await p.component("/wxa/gettemplatedraftlist", component))["draft_list"]
        await p.component("/wxa/addtotemplate", component, {"draft_id": drafts[0]["draft_id"]})
        listed = (await p.component("/wxa/gettemplatelist", component))["template_list"]
        await p.authorize(component, p.w.a1, scopes=[18])
        body = {
            "template_id": listed[0]["template_id"],
            "user_version": "1.0.0",
            "merchants": [
                {"appid": p.w.a1.appid, "ext_json": {"ext": {"shopName": "A Tea"}}},
                {"appid": p.w.b1.appid, "ext_json": {"ext": {"shopName": "Not mine"}}},
            ],
        }
        created = await p.client.post(f"/api/orgs/{p.org_p}/provider/deployments", json=body, headers=p.dev_p)
        deployment = created.json()["id"]
        # The page's server has no worker of its own: the test runs the job while the page is open.
        settings = p.w.app.state.settings.model_copy(update={"outbox_worker": False})
        async with serve(settings) as server:
            context = await browser.new_context(base_url=server.url)
            page = await context.new_page()
            await page.goto("/console/signin")
            await page.fill("input[name=email]", "p@example.com")
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url("**/console/**")
            await page.goto(f"/console/orgs/{p.org_p}/provider")
            card = page.locator(f"#deployment-{deployment}")
            await expect(card.locator(".counts")).to_contain_text("2 pending")
            await expect(card.locator("progress")).to_have_attribute("value", "0")
            await expect(card.locator("form.retry")).to_have_count(0)

            worker = outbox.Worker(p.w.app.state.database, p.w.app.state.settings, topics={deploy.TOPIC})
            assert await worker.run_once() == 1
            await expect(card.locator(".counts")).to_have_text(
                "1 submitted · 0 committed · 0 pending · 1 failed", timeout=15_000
            )
            await expect(card.locator("progress")).to_have_attribute("value", "2")
            await expect(card.locator("ul.failures")).to_contain_text(f"{p.w.b1.appid}: 61003")
            await expect(card.locator("form.retry button")).to_be_visible()
            await context.close()
