"""Signed launch manifests: the platform key, the signature over the exact bytes, the device id."""

from __future__ import annotations

import base64
import json
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hutong.examples import load_examples
from hutong.server.db import Database
from hutong.server.delivery.signing import PlatformKey
from hutong.server.storage import BlobStore
from tests.conftest import EXAMPLES, migrate
from tests.platform.apiclient import platform, settings_for


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def test_launch_manifest_is_signed_by_the_published_key(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    settings = settings_for(tmp_path, url)
    database = Database(url)
    await load_examples(database, BlobStore(settings.blob_dir), EXAMPLES)
    await database.dispose()
    async with platform(settings) as (_app, client):
        jwks = (await client.get("/.well-known/hutong/platform-keys.json")).json()
        first = await client.get("/api/apps/hutong-counter/launch")
        again = await client.get("/api/apps/hutong-counter/launch")
    assert stat.S_IMODE(settings.signing_key_path.stat().st_mode) == 0o600
    [jwk] = jwks["keys"]
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("OKP", "Ed25519", "EdDSA")
    fields = dict(re.findall(r'(\w+)="([^"]*)"', first.headers["hutong-signature"]))
    assert fields["keyid"] == jwk["kid"]
    public = Ed25519PublicKey.from_public_bytes(_b64(jwk["x"]))
    public.verify(_b64(fields["sig"]), first.content)
    tampered = first.content.replace(b'"version":"1.0.0"', b'"version":"6.6.6"')
    assert tampered != first.content
    try:
        public.verify(_b64(fields["sig"]), tampered)
        raise AssertionError("a tampered manifest verified")
    except InvalidSignature:
        pass
    manifest = json.loads(first.content)
    assert manifest["appid"] == "hutong-counter" and manifest["channel"] == "release"
    assert set(manifest["domains"]) == {"request", "upload", "download", "socket", "webview", "proxy"}
    assert manifest["expires_at"] > manifest["issued_at"]
    assert first.headers["cache-control"] == "private, no-store"
    device_cookie = first.headers["set-cookie"].lower()
    assert device_cookie.startswith("hutong_device=") and "httponly" in device_cookie
    # The client kept its device id: the second launch does not hand out a new one.
    assert "set-cookie" not in again.headers
    # The key survives a restart (same file, same key id).
    assert PlatformKey.load_or_create(settings.signing_key_path).kid == jwk["kid"]
