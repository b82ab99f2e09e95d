"""The HTTP API over a live server: health, problem JSON, launch manifest, immutable blobs."""

from __future__ import annotations

import hashlib

import httpx

from tests.conftest import LiveServer


async def test_health(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_unknown_app_answers_problem_json(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get("/api/apps/nobody/launch")
        unknown_route = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "app_not_found"
    assert body["status"] == 404
    assert body["type"].endswith("/app_not_found")
    assert unknown_route.status_code == 404
    assert unknown_route.json()["code"] == "not_found"


async def test_launch_manifest_points_at_verified_immutable_blobs(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        apps = (await client.get("/api/apps")).json()
        assert "hutong-counter" in [app["appid"] for app in apps]
        manifest = (await client.get("/api/apps/hutong-counter/launch")).json()
        assert set(manifest["bundles"]) == {"logic.js", "view.js", "app-config.json"}
        for bundle in manifest["bundles"].values():
            response = await client.get(bundle["url"], headers={"accept-encoding": "gzip"})
            assert response.status_code == 200
            assert hashlib.sha256(response.content).hexdigest() == bundle["sha256"]
            assert "immutable" in response.headers["cache-control"]
            etag = response.headers["etag"]
            again = await client.get(bundle["url"], headers={"if-none-match": etag})
            assert again.status_code == 304
        missing = await client.get("/blobs/" + "0" * 64)
        assert missing.status_code == 404
        assert missing.json()["code"] == "blob_not_found"


async def test_runtime_files_are_served_with_cors_and_the_frame_policy(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        frame = await client.get("/_rt/view/view.html")
        worker = await client.get("/_rt/logic/worker.js")
        source = await client.get("/_rt/__init__.py")
        logic = await client.get("/_rt/logic/sandbox.html")
        shell = await client.get("/")
    assert frame.headers["access-control-allow-origin"] == "*"
    # The logic thread's frame: its worker inherits this policy (docs/security.md).
    policy = logic.headers["content-security-policy"]
    assert "sandbox allow-scripts" in policy and "connect-src 'none'" in policy
    # Its one inline script (sandbox.js with the module pack's loader) is allowed by its hash alone.
    assert f"script-src {live_server.url}/_rt/ blob: 'sha256-" in policy and "unsafe-eval" not in policy
    assert "unsafe-inline" not in policy
    # The host page's own: scripts only from the platform, framed only by the platform.
    assert "script-src 'self'" in shell.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in shell.headers["content-security-policy"]
    assert "sandbox allow-scripts" in frame.headers["content-security-policy"]
    assert "connect-src 'none'" in frame.headers["content-security-policy"]
    assert worker.status_code == 200
    assert source.status_code == 404
