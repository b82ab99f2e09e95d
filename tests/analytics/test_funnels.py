"""Saved funnels on SQLite and PostgreSQL: an app's analyst saves, replaces, lists and deletes named
funnels through the API and the console, each counted over the fixed event set; outsiders get 404."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import select

from hutong.server.apps.models import App
from hutong.server.events import store
from tests.analytics.fixed import rows
from tests.platform.apiclient import platform, settings_for, token_for

RANGE = {"begin": "2026-11-02", "end": "2026-11-08"}
BUY = "page:pages/index/index,event:buy"


async def test_funnels_are_saved_listed_counted_and_deleted(database_url: str, tmp_path: Path) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (app, client):
        owner = await token_for(client, "owner@example.com")
        analyst = await token_for(client, "analyst@example.com")
        stranger = await token_for(client, "stranger@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=owner)).json()
        appid = (
            await client.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea"}, headers=owner)
        ).json()["appid"]
        member = {"email": "analyst@example.com", "role": "analyst"}
        assert (await client.put(f"/api/orgs/{org['id']}/members", json=member, headers=owner)).is_success
        async with app.state.database.session() as session:
            app_id = await session.scalar(select(App.id).where(App.appid == appid))
            await store.write(session, [{**row, "app_id": app_id} for row in rows()])
        api = f"/api/manage/apps/{appid}/analytics/funnels"

        made = await client.post(
            api, json={"name": " Buy  path ", "steps": "page:pages/index/index"}, headers=analyst
        )
        assert made.status_code == 201 and made.json()["name"] == "Buy path"
        replaced = await client.post(api, json={"name": "Buy path", "steps": f" {BUY} "}, headers=analyst)
        assert replaced.status_code == 200 and replaced.json()["id"] == made.json()["id"]
        detail = await client.post(
            api, json={"name": "Detail", "steps": "page:pages/detail/detail"}, headers=owner
        )
        assert detail.status_code == 201
        bad = await client.post(api, json={"name": "x", "steps": "click:buy"}, headers=owner)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_funnel"
        unnamed = await client.post(api, json={"name": "  ", "steps": BUY}, headers=owner)
        assert unnamed.status_code == 422 and unnamed.json()["code"] == "invalid_name"
        listed = (await client.get(api, headers=analyst)).json()
        assert [(f["name"], f["steps"]) for f in listed] == [
            ("Buy path", BUY),
            ("Detail", "page:pages/detail/detail"),
        ]
        assert (await client.get(api, headers=stranger)).status_code == 404
        theirs = await client.delete(f"{api}/{listed[0]['id']}", headers=stranger)
        assert theirs.status_code == 404

        # The console lists them; one counted is the same funnel as its steps.
        page = await client.get(f"/console/apps/{appid}/analytics", params=RANGE, headers=analyst)
        assert 'id="saved-funnels"' in page.text and "Buy path" in page.text
        counted = await client.get(
            f"/console/apps/{appid}/analytics.csv",
            params={**RANGE, "table": "funnel", "funnel": listed[0]["steps"]},
            headers=analyst,
        )
        assert counted.text.splitlines()[1:] == ["1,page,pages/index/index,4,3", "2,event,buy,1,1"]

        # A browser session saves and deletes through the console's forms (CSRF-checked).
        client.cookies.clear()
        signin = await client.post(
            "/api/accounts/signin", json={"email": "analyst@example.com", "password": "long enough"}
        )
        csrf = signin.json()["csrf_token"]
        console = f"/console/apps/{appid}/analytics/funnels"
        form = {
            "csrf_token": csrf,
            "name": "Index then detail",
            "steps": "page:pages/index/index,page:pages/detail/detail",
        }
        saved = await client.post(console, data=form)
        assert saved.status_code == 303
        assert "notice=funnel “Index then detail” saved" in unquote(saved.headers["location"])
        assert (await client.post(console, data={**form, "csrf_token": "forged"})).status_code == 403
        listed = (await client.get(api, headers=owner)).json()
        assert [f["name"] for f in listed] == ["Buy path", "Detail", "Index then detail"]
        gone = await client.post(f"{console}/{listed[1]['id']}/delete", data={"csrf_token": csrf})
        assert gone.status_code == 303 and "notice=funnel deleted" in unquote(gone.headers["location"])
        client.cookies.clear()
        assert (await client.delete(f"{api}/{listed[0]['id']}", headers=owner)).status_code == 204
        assert [f["name"] for f in (await client.get(api, headers=owner)).json()] == ["Index then detail"]
        assert (await client.delete(f"{api}/{listed[0]['id']}", headers=owner)).status_code == 404
