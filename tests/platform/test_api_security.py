"""The API's security: authorization on every endpoint, organizations isolated from each other, CSRF,
cookie flags, rate limits (in-process and Redis) — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from hutong.cli.platform import zip_project
from tests.conftest import DATABASES, EXAMPLES, migrate, scratch_database
from tests.coupons.world import busifavor_body
from tests.platform.apiclient import platform, settings_for, token_for

# Every org-scoped endpoint, as (method, path, body). {org}, {app}, {release} and {user} are organization
# B's; the caller is an owner of organization A. test_the_table_covers_every_scoped_route keeps it complete.
SCOPED: list[tuple[str, str, Any]] = [
    ("GET", "/api/orgs/{org}", None),
    ("GET", "/api/orgs/{org}/members", None),
    ("PUT", "/api/orgs/{org}/members", {"email": "a@example.com", "role": "owner"}),
    ("DELETE", "/api/orgs/{org}/members/{user}", None),
    ("GET", "/api/orgs/{org}/apps", None),
    ("POST", "/api/orgs/{org}/apps", {"name": "Intruder"}),
    ("GET", "/api/manage/apps/{app}", None),
    ("PATCH", "/api/manage/apps/{app}", {"name": "Pwned"}),
    ("POST", "/api/manage/apps/{app}/secret", None),
    ("PUT", "/api/manage/apps/{app}/domains", {"request": ["https://evil.example.com"]}),
    ("GET", "/api/manage/apps/{app}/shares", None),
    ("POST", "/api/manage/apps/{app}/versions", "upload"),
    ("GET", "/api/manage/apps/{app}/versions", None),
    ("GET", "/api/manage/apps/{app}/release", None),
    ("POST", "/api/manage/apps/{app}/trial", {"release_id": "{release}"}),
    ("POST", "/api/manage/apps/{app}/review", {"release_id": "{release}"}),
    ("DELETE", "/api/manage/apps/{app}/review", None),
    ("POST", "/api/manage/apps/{app}/release", {"release_id": "{release}", "percentage": 100}),
    ("POST", "/api/manage/apps/{app}/release/widen", {"percentage": 100}),
    ("POST", "/api/manage/apps/{app}/release/pause", None),
    ("POST", "/api/manage/apps/{app}/release/resume", None),
    ("POST", "/api/manage/apps/{app}/release/complete", None),
    ("POST", "/api/manage/apps/{app}/rollback", {"release_id": "{release}"}),
    ("GET", "/api/manage/apps/{app}/audit", None),
    ("GET", "/api/manage/apps/{app}/analytics/overview", None),
    ("GET", "/api/manage/apps/{app}/analytics/retention", None),
    ("GET", "/api/manage/apps/{app}/analytics/errors", None),
    ("GET", "/api/manage/apps/{app}/analytics/funnel?steps=page:a", None),
    ("GET", "/api/manage/apps/{app}/analytics/guard", None),
    ("GET", "/api/manage/apps/{app}/analytics/funnels", None),
    ("POST", "/api/manage/apps/{app}/analytics/funnels", {"name": "Buy", "steps": "page:a,event:buy"}),
    ("DELETE", "/api/manage/apps/{app}/analytics/funnels/1", None),
    ("PUT", "/api/manage/apps/{app}/analytics/guard", {"action": "pause"}),
    ("GET", "/api/manage/apps/{app}/trial-link", None),
    ("GET", "/api/apps/{app}/launch?channel=trial", None),
    ("GET", "/api/apps/{app}/launch?channel=develop", None),
    ("GET", "/api/apps/{app}/launch?channel=review", None),
    ("PUT", "/api/manage/apps/{app}/icon", "icon"),
    ("GET", "/api/manage/apps/{app}/codes", None),
    ("POST", "/api/manage/apps/{app}/codes", {"page": "pages/index/index"}),
    ("GET", "/api/manage/apps/{app}/codes/{code}/image", None),
    ("DELETE", "/api/manage/apps/{app}/codes/{code}", None),
    ("GET", "/api/manage/apps/{app}/links", None),
    ("GET", "/api/orgs/{org}/signing-keys", None),
    ("POST", "/api/orgs/{org}/signing-keys", {"name": "intruder", "public_key": "ab" * 32}),
    ("DELETE", "/api/orgs/{org}/signing-keys/{key}", None),
    ("GET", "/api/orgs/{org}/merchants", None),
    ("POST", "/api/orgs/{org}/merchants", {"name": "Intruder"}),
    ("GET", "/api/merchants/{mchid}", None),
    ("PUT", "/api/merchants/{mchid}/public-key", {"public_key": "x"}),
    ("POST", "/api/merchants/{mchid}/keypair", None),
    ("PUT", "/api/merchants/{mchid}/apiv3-key", {"apiv3_key": "k" * 32}),
    ("PATCH", "/api/merchants/{mchid}", {"refund_roles": ["owner"]}),
    ("PUT", "/api/merchants/{mchid}/apps/{app}", None),
    ("DELETE", "/api/merchants/{mchid}/apps/{app}", None),
    ("PUT", "/api/merchants/{mchid}/service-provider", {"sp_mchid": None}),
    ("GET", "/api/merchants/{mchid}/orders", None),
    ("POST", "/api/merchants/{mchid}/refunds", {"out_trade_no": "abcdef", "amount": 1, "reason": "r"}),
    ("GET", "/api/merchants/{mchid}/notifications", None),
    ("POST", "/api/merchants/{mchid}/notifications/1/resend", None),
    ("POST", "/api/merchants/{mchid}/probe", {"url": "https://example.com/notify"}),
    ("POST", "/api/merchants/{mchid}/refunds/x/close", None),
    ("POST", "/api/merchants/{mchid}/refunds/x/retry", None),
    ("GET", "/api/merchants/{mchid}/partner", None),
    ("GET", "/api/merchants/{mchid}/balances", None),
    ("POST", "/api/merchants/{mchid}/withdrawals", {"amount_fen": 1, "account_number": "6222000011112222"}),
    ("GET", "/api/merchants/{mchid}/withdrawals/x", None),
    ("POST", "/api/merchants/{mchid}/marketing", {"amount_fen": 1}),
    ("GET", "/api/merchants/{mchid}/stores", None),
    ("POST", "/api/merchants/{mchid}/stores", {"name": "Intruder"}),
    ("PATCH", "/api/merchants/{mchid}/stores/{store}", {"name": "Intruder"}),
    ("PUT", "/api/merchants/{mchid}/stores/{store}/staff", {"email": "a@example.com"}),
    ("DELETE", "/api/merchants/{mchid}/stores/{store}/staff/{user}", None),
    ("GET", "/api/merchants/{mchid}/coupon-stocks", None),
    ("POST", "/api/merchants/{mchid}/coupon-stocks", {"stock_name": "x"}),
    ("POST", "/api/merchants/{mchid}/coupon-stocks/{stock}/start", None),
    ("GET", "/api/merchants/{mchid}/coupon-stocks/{stock}/results", None),
    ("GET", "/api/merchants/{mchid}/coupon-results", None),
    ("POST", "/api/merchants/{mchid}/coupon-stocks/{stock}/claim-links", {"appid": "{app}"}),
    ("GET", "/api/stores/{store}", None),
    ("POST", "/api/stores/{store}/redemptions", {"code": "12345678901234567890123456"}),
    (
        "POST",
        "/api/orgs/{org}/provider",
        {
            "name": "Intruder",
            "message_url": "https://p.example/x",
            "token": "abc",
            "encoding_aes_key": "a" * 43,
            "funcscopes": [18],
        },
    ),
    ("GET", "/api/orgs/{org}/provider", None),
    (
        "POST",
        "/api/orgs/{org}/provider/deployments",
        {"template_id": 1, "user_version": "1.0.0", "merchants": [{"appid": "{app}"}]},
    ),
    ("GET", "/api/orgs/{org}/provider/deployments/1", None),
    ("POST", "/api/orgs/{org}/provider/deployments/1/retry", None),
    ("GET", "/api/manage/apps/{app}/providers", None),
    ("DELETE", "/api/manage/apps/{app}/providers/hc1", None),
]
# Reachable without signing in, on purpose.
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/apps"),
    ("GET", "/api/apps/{appid}/launch"),
    ("POST", "/api/accounts/signup"),
    ("POST", "/api/accounts/signin"),
    ("GET", "/api/accounts/me"),  # answers 401 itself
    ("GET", "/api/accounts/session"),  # says whether anyone is signed in
    ("POST", "/api/tokens"),
    ("GET", "/api/search"),
    ("GET", "/api/categories"),
    ("GET", "/api/apps/{appid}/about"),
    ("GET", "/api/me/recent"),  # the user's, or the device's
    ("GET", "/api/codes/resolve"),
    ("POST", "/api/codes/read"),
    ("POST", "/api/server/getwxacodeunlimit"),  # the app's own server: AppSecret (tested in discovery)
    (
        "POST",
        "/api/apps/{appid}/events",
    ),  # the launch manifest's events token (tests/platform/test_events.py)
    ("POST", "/api/apps/{appid}/egress"),  # the same token (tests/egress/test_egress_proxy.py)
    ("POST", "/api/me/shares/{share_id}/open"),  # a shared link opens for guests too (tests/sharing)
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for key, replacement in ids.items():
            if value == "{" + key + "}":
                return replacement
            value = value.replace("{" + key + "}", str(replacement))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


async def _snapshot(client: httpx.AsyncClient, auth: dict[str, str], ids: dict[str, Any]) -> list[Any]:
    paths = [
        "/api/orgs/{org}/members",
        "/api/orgs/{org}/apps",
        "/api/manage/apps/{app}",
        "/api/manage/apps/{app}/versions",
        "/api/manage/apps/{app}/release",
        "/api/manage/apps/{app}/audit",
        "/api/manage/apps/{app}/codes",
        "/api/orgs/{org}/signing-keys",
        "/api/orgs/{org}/merchants",
        "/api/merchants/{mchid}",
    ]
    return [(await client.get(_fill(path, ids), headers=auth)).json() for path in paths]


@dataclass
class TwoOrganizations:
    client: httpx.AsyncClient
    a: dict[str, str]  # an owner of organization A
    b: dict[str, str]  # an owner of organization B
    ids: dict[str, Any]  # organization B's things
    project: bytes
    # B's things as the last probe left them, checked unchanged: the next probe's "before". (The two
    # snapshots are most of a probe's requests; nothing runs between two probes of a module.)
    unchanged: list[Any] | None = None


@pytest.fixture(scope="module", params=DATABASES)
async def two_orgs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TwoOrganizations]:
    """Set up once per database: every probe below is refused, so none changes what the next one sees."""
    directory = tmp_path_factory.mktemp("two-orgs")
    with scratch_database(request.param, directory) as url:
        await migrate(url)
        # Every probe and its before/after snapshots come from one client address within a minute or
        # so: lift the general API budget, which is not what this test is about.
        settings = settings_for(directory, url, rate_limit_per_minute=1_000_000)
        async with platform(settings) as (_app, client):
            a = await token_for(client, "a@example.com")
            b = await token_for(client, "b@example.com")
            org_a = (await client.post("/api/orgs", json={"name": "A"}, headers=a)).json()
            await client.post(f"/api/orgs/{org_a['id']}/apps", json={"name": "A app"}, headers=a)
            org_b = (await client.post("/api/orgs", json={"name": "B"}, headers=b)).json()
            app_b = (
                await client.post(f"/api/orgs/{org_b['id']}/apps", json={"name": "B app"}, headers=b)
            ).json()
            project = zip_project(EXAMPLES / "counter")
            uploaded = await client.post(
                f"/api/manage/apps/{app_b['appid']}/versions",
                data={"version": "1.0.0"},
                files={"project": ("p.zip", project, "application/zip")},
                headers=b,
            )
            assert uploaded.status_code == 201, uploaded.text
            me_b = (await client.get("/api/accounts/me", headers=b)).json()
            ids = {
                "org": org_b["id"],
                "app": app_b["appid"],
                "release": uploaded.json()["id"],
                "user": me_b["id"],
            }
            trial = await client.post(
                f"/api/manage/apps/{app_b['appid']}/trial", json={"release_id": ids["release"]}, headers=b
            )
            assert trial.status_code == 200
            code = await client.post(
                f"/api/manage/apps/{app_b['appid']}/codes", json={"page": "pages/index/index"}, headers=b
            )
            assert code.status_code == 201, code.text
            ids["code"] = code.json()["id"]
            key = await client.post(
                f"/api/orgs/{org_b['id']}/signing-keys",
                json={"name": "B's", "public_key": "cd" * 32},
                headers=b,
            )
            assert key.status_code == 201, key.text
            ids["key"] = key.json()["id"]
            merchant = await client.post(
                f"/api/orgs/{org_b['id']}/merchants", json={"name": "B's shop"}, headers=b
            )
            assert merchant.status_code == 201, merchant.text
            ids["mchid"] = merchant.json()["mchid"]
            store = await client.post(f"/api/merchants/{ids['mchid']}/stores", json={"name": "B"}, headers=b)
            assert store.status_code == 201, store.text
            ids["store"] = store.json()["id"]
            stock = await client.post(
                f"/api/merchants/{ids['mchid']}/coupon-stocks", json=busifavor_body(), headers=b
            )
            assert stock.status_code == 201, stock.text
            ids["stock"] = stock.json()["stock_id"]
            yield TwoOrganizations(client, a, b, ids, project)


@pytest.mark.parametrize(("method", "path", "body"), SCOPED, ids=[f"{m} {p}" for m, p, _ in SCOPED])
async def test_a_member_of_one_organization_cannot_touch_another(
    two_orgs: TwoOrganizations, method: str, path: str, body: Any
) -> None:
    client, ids = two_orgs.client, two_orgs.ids
    before = two_orgs.unchanged or await _snapshot(client, two_orgs.b, ids)
    two_orgs.unchanged = None  # taken again by the next probe unless this one ends with B's unchanged
    url = _fill(path, ids)
    if body == "icon":
        response = await client.request(
            method, url, files={"image": ("i.png", _png(), "image/png")}, headers=two_orgs.a
        )
    elif body == "upload":
        response = await client.request(
            method,
            url,
            data={"version": "6.6.6"},
            files={"project": ("p.zip", two_orgs.project, "application/zip")},
            headers=two_orgs.a,
        )
    else:
        response = await client.request(method, url, json=_fill(body, ids), headers=two_orgs.a)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] in {
        "organization_not_found",
        "app_not_found",
        "merchant_not_found",
        "store_not_found",
    }
    after = await _snapshot(client, two_orgs.b, ids)
    assert after == before
    # B's owner still can: the refusal is about who asks, not a broken endpoint.
    assert (await client.get(_fill("/api/manage/apps/{app}", ids), headers=two_orgs.b)).status_code == 200
    two_orgs.unchanged = after


async def test_the_table_covers_every_scoped_route(tmp_path: Path) -> None:
    async with platform(settings_for(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")) as (app, _client):
        document = app.openapi()
    scoped = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if "{org_id}" in path
        or ("{appid}" in path and path.startswith("/api/manage"))
        or path.startswith("/api/merchants/")
    }
    covered = {
        (
            m,
            p.replace("{org}", "{org_id}")
            .replace("{app}", "{appid}")
            .replace("{user}", "{user_id}")
            .replace("{code}", "{code_id}")
            .replace("{key}", "{key_id}")
            .replace("/notifications/1/", "/notifications/{notify_id}/")
            .replace("/refunds/x/", "/refunds/{out_refund_no}/")
            .replace("/withdrawals/x", "/withdrawals/{reference}")
            .replace("{store}", "{store_id}")
            .replace("{stock}/start", "{stock_id}/{action}")
            .replace("{stock}", "{stock_id}")
            .replace("/funnel?steps=page:a", "/funnel")
            .replace("/funnels/1", "/funnels/{funnel_id}")
            .replace("/deployments/1", "/deployments/{deployment_id}")
            .replace("/providers/hc1", "/providers/{component_appid}"),
        )
        for m, p, _ in SCOPED
    }
    assert scoped <= covered, scoped - covered


async def test_every_other_endpoint_needs_credentials(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    async with platform(settings_for(tmp_path, url)) as (app, client):
        document = app.openapi()
        checked = 0
        for path, operations in document["paths"].items():
            for method in operations:
                if (method.upper(), path) in PUBLIC or not path.startswith("/api/"):
                    continue
                concrete = path.replace("{org_id}", "1").replace("{appid}", "hxabc").replace("{user_id}", "1")
                concrete = concrete.replace("{token_id}", "1").replace("{review_id}", "1")
                concrete = concrete.replace("{code_id}", "1")
                response = await client.request(method.upper(), concrete, json={})
                assert response.status_code == 401, (method, path, response.text)
                bad_token = await client.request(
                    method.upper(), concrete, json={}, headers={"Authorization": "Bearer hut_nope"}
                )
                assert bad_token.json()["code"] == "invalid_token"
                checked += 1
        assert checked > 25


async def test_sessions_need_csrf_and_cookies_are_locked_down(database_url: str, tmp_path: Path) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (_app, client):
        signup = await client.post(
            "/api/accounts/signup", json={"email": "c@example.com", "password": "long enough"}
        )
        cookie = signup.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        csrf = signup.json()["csrf_token"]
        refused = await client.post("/api/orgs", json={"name": "X"})
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        wrong = await client.post("/api/orgs", json={"name": "X"}, headers={"X-CSRF-Token": "nope"})
        assert wrong.status_code == 403
        accepted = await client.post("/api/orgs", json={"name": "X"}, headers={"X-CSRF-Token": csrf})
        assert accepted.status_code == 201
        console_form = await client.post("/console/orgs", data={"name": "Y"})
        assert console_form.status_code == 403
        assert (await client.get("/api/accounts/me")).json()["email"] == "c@example.com"
        await client.post("/api/accounts/signout", headers={"X-CSRF-Token": csrf})
        assert (await client.get("/api/accounts/me")).status_code == 401


async def test_rate_limits_answer_429_with_retry_after(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    settings = settings_for(tmp_path, url, rate_limit_per_minute=5, auth_rate_limit_per_minute=2)
    async with platform(settings) as (_app, client):
        statuses = [(await client.get("/api/health")).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        limited = await client.get("/api/health")
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
    async with platform(settings_for(tmp_path, url, auth_rate_limit_per_minute=2)) as (_app, client):
        body = {"email": "x@example.com", "password": "wrong password"}
        statuses = [(await client.post("/api/accounts/signin", json=body)).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]


async def test_redis_limits_are_shared_between_processes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    # A made-up client address keeps this run's counters apart from any other's.
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    settings = settings_for(tmp_path, url, rate_limit_per_minute=4, redis_url="redis://127.0.0.1:6379/0")
    async with platform(settings, address) as (_one, first), platform(settings, address) as (_two, second):
        codes = [(await first.get("/api/nothing")).status_code for _ in range(3)]
        codes += [(await second.get("/api/nothing")).status_code for _ in range(2)]
    assert codes == [404, 404, 404, 404, 429]


async def test_oversized_bodies_are_refused_before_parsing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    async with platform(settings_for(tmp_path, url, upload_max_bytes=1000)) as (_app, client):
        auth = await token_for(client, "big@example.com")
        response = await client.post(
            "/api/manage/apps/hxanything/versions",
            data={"version": "1.0.0"},
            files={"project": ("p.zip", b"0" * 2_200_000, "application/zip")},
            headers=auth,
        )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


async def test_console_sign_in_redirects_only_within_the_site(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    async with platform(settings_for(tmp_path, url)) as (_app, client):
        await client.post("/api/accounts/signup", json={"email": "r@example.com", "password": "long enough"})
        form = {"email": "r@example.com", "password": "long enough"}
        for target, expected in [
            ("/", "/"),
            ("/console/apps/x", "/console/apps/x"),
            ("//evil.example", "/console/"),
            ("/\\evil.example", "/console/"),
            ("https://evil.example", "/console/"),
        ]:
            response = await client.post("/console/signin", params={"next": target}, data=form)
            assert response.status_code == 303
            assert response.headers["location"] == expected
        shell = await client.get("/")
        assert "frame-ancestors 'self'" in shell.headers["content-security-policy"]
        page = await client.get("/console/")
        assert page.headers["x-frame-options"] == "SAMEORIGIN"


async def test_an_id_the_database_cannot_hold_is_out_of_range(two_orgs: TwoOrganizations) -> None:
    """An organization id past a 32-bit column (found by schemathesis on PostgreSQL, where asyncpg
    refuses to encode it and SQLAlchemy's adapter reports a plain DBAPIError): 422, not a 500."""
    key = {"name": "laptop", "public_key": "ab" * 32}
    for org_id in (76959942280, 2**63, 10**30):
        added = await two_orgs.client.post(f"/api/orgs/{org_id}/signing-keys", json=key, headers=two_orgs.a)
        listed = await two_orgs.client.get(f"/api/orgs/{org_id}/signing-keys", headers=two_orgs.a)
        for answer in (added, listed):
            assert answer.status_code in (403, 404, 422), answer.text
            if answer.status_code == 422:
                assert answer.json()["code"] == "out_of_range", answer.text
