"""The WeChat Pay v3 layer: signatures and AES-GCM interoperate with what WeChat's SDKs compute, the
Authorization header is checked as WeChat checks it (scheme, fields, signature, 5-minute window,
replayed nonces refused across processes), and the platform keys rotate with two valid at once."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpayv3.utils import aes_decrypt, build_authorization, rsa_verify

from hutong.server.db import Database
from hutong.server.sealing import Keyring
from hutong.server.wechatpay import crypto, keys
from hutong.server.wechatpay.auth import verify
from hutong.server.wechatpay.errors import PayError
from hutong.server.wechatpay.nonces import DatabaseNonces, RedisNonces
from hutong.server.wechatpay.responses import signature_headers
from hutong.settings import Settings

MERCHANT_KEY = crypto.new_rsa_key()
APIV3_KEY = b"0123456789abcdef0123456789ABCDEF"


class MemoryNonces:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    async def first_use(self, mchid: str, nonce: str, keep_seconds: int) -> bool:
        if (mchid, nonce) in self.seen:
            return False
        self.seen.add((mchid, nonce))
        return True

    async def close(self) -> None:
        return None


async def _lookup(mchid: str, serial: str) -> rsa.RSAPublicKey | None:
    return MERCHANT_KEY.public_key() if (mchid, serial) == ("1900000001", "ABC123") else None


def test_signatures_and_gcm_interoperate_with_the_sdk() -> None:
    message = crypto.response_message("1700000000", "n0nce", '{"a":1}')
    signature = crypto.rsa_sign(MERCHANT_KEY, message)
    assert rsa_verify("1700000000", "n0nce", '{"a":1}', signature, MERCHANT_KEY.public_key())
    assert crypto.rsa_verify(MERCHANT_KEY.public_key(), message, signature)
    assert not crypto.rsa_verify(MERCHANT_KEY.public_key(), message + "x", signature)
    assert not crypto.rsa_verify(MERCHANT_KEY.public_key(), message, "not base64!")

    nonce, ciphertext = crypto.aes_gcm_encrypt(APIV3_KEY, '{"k":"值"}', "transaction")
    assert len(nonce) == 12
    assert aes_decrypt(nonce, ciphertext, "transaction", APIV3_KEY.decode()) == '{"k":"值"}'
    assert crypto.aes_gcm_decrypt(APIV3_KEY, nonce, ciphertext, "transaction") == '{"k":"值"}'
    with pytest.raises(crypto.DecryptError):
        crypto.aes_gcm_decrypt(b"x" * 32, nonce, ciphertext, "transaction")
    with pytest.raises(crypto.DecryptError):
        crypto.aes_gcm_decrypt(APIV3_KEY, nonce, ciphertext, "certificate")


def test_public_keys_load_in_every_form_wechat_shows() -> None:
    pem = crypto.public_pem(MERCHANT_KEY.public_key())
    bare = "".join(line for line in pem.splitlines() if "-----" not in line)
    for text in (pem, bare):
        assert crypto.load_rsa_public_key(text).public_numbers() == MERCHANT_KEY.public_key().public_numbers()
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ValueError, match="2048"):
        crypto.load_rsa_public_key(crypto.public_pem(small.public_key()))


async def test_authorization_is_checked_as_wechat_checks_it() -> None:
    nonces = MemoryNonces()
    body = json.dumps({"mchid": "1900000001", "amount": {"total": 1}})
    header = build_authorization(
        "/v3/pay/transactions/jsapi", "POST", "1900000001", "ABC123", MERCHANT_KEY, body
    )
    ok = await verify(header, "POST", "/v3/pay/transactions/jsapi", body.encode(), _lookup, nonces)
    assert ok.mchid == "1900000001"

    async def refused(header: str | None, path: str = "/v3/pay/transactions/jsapi", data: str = body) -> str:
        with pytest.raises(PayError) as caught:
            await verify(header, "POST", path, data.encode(), _lookup, nonces)
        assert caught.value.status == 401 and caught.value.code == "SIGN_ERROR"
        return caught.value.message

    assert "重放" in await refused(header)  # the same request again
    fresh = build_authorization(
        "/v3/pay/transactions/jsapi", "POST", "1900000001", "ABC123", MERCHANT_KEY, body
    )
    assert "签名错误" in await refused(fresh, data=body.replace("1}", "2}"))  # a changed body
    assert "签名错误" in await refused(fresh, path="/v3/pay/transactions/native")
    other = build_authorization("/v3/x", "POST", "1900000001", "OTHER", MERCHANT_KEY, body)
    assert "序列号" in await refused(other, path="/v3/x")
    assert "缺失" in await refused(None)
    assert "认证类型" in await refused("Bearer x")
    assert "缺少" in await refused('WECHATPAY2-SHA256-RSA2048 mchid="1900000001"')
    stale_ts = str(int(time.time()) - 301)
    stale = crypto.request_message("POST", "/v3/x", stale_ts, "n1", body)
    stale_header = (
        f'WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="n1",'
        f'signature="{crypto.rsa_sign(MERCHANT_KEY, stale)}",timestamp="{stale_ts}",serial_no="ABC123"'
    )
    assert "5分钟" in await refused(stale_header, path="/v3/x")
    # A forged signature does not use up the merchant's nonce: the genuine request still passes.
    forged = fresh.replace('signature="', 'signature="AAAA')
    await refused(forged)
    assert (await verify(fresh, "POST", "/v3/pay/transactions/jsapi", body.encode(), _lookup, nonces)).mchid


async def test_replayed_nonces_are_refused_by_every_process(database: Database) -> None:
    # Two stores on the same database stand for two server processes.
    first, second = DatabaseNonces(database), DatabaseNonces(Database(database.url))
    results = await asyncio.gather(
        *(store.first_use("1900000001", "n-1", 660) for store in (first, second) * 5)
    )
    assert sorted(results) == [False] * 9 + [True]
    assert await first.first_use("1900000002", "n-1", 660)  # another merchant's nonce is its own


async def test_redis_nonces() -> None:
    store = RedisNonces("redis://127.0.0.1:6379/0")
    nonce = crypto.new_nonce()
    try:
        assert await store.first_use("1900000001", nonce, 5)
        assert not await store.first_use("1900000001", nonce, 5)
    finally:
        await store.close()


async def test_rotation_keeps_two_keys_valid(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url, Keyring.from_settings(Settings(data_dir=tmp_path)))
    cache = keys.KeyCache(database)
    ring = await cache.ring()
    assert len(ring.keys) == 1 and ring.signer.public_key_id.startswith("PUB_KEY_ID_")
    assert len(ring.signer.serial_no) == 40
    old = ring.signer
    async with database.session() as session:
        new = await keys.rotate(session)
    rotated = await cache.ring(refresh=True)
    assert [k.serial_no for k in rotated.keys] == [new.serial_no, old.serial_no]
    for name in (old.serial_no.lower(), old.public_key_id):
        found = rotated.find(name)
        assert found is not None and found.serial_no == old.serial_no
    # Responses are now signed with the new key, and say so in either naming.
    headers = signature_headers(rotated, b"{}", public_key_mode=True)
    assert headers["Wechatpay-Serial"] == new.public_key_id
    assert rsa_verify(
        headers["Wechatpay-Timestamp"],
        headers["Wechatpay-Nonce"],
        "{}",
        headers["Wechatpay-Signature"],
        rotated.signer.public_key,
    )
    async with database.session() as session:
        assert not await keys.retire(session, new.serial_no)  # the signing key stays
        assert await keys.retire(session, old.public_key_id)
    assert [k.serial_no for k in (await cache.ring(refresh=True)).keys] == [new.serial_no]
    # The private halves are sealed at rest, bound to their own rows.
    async with database.session() as session:
        stored = await keys.valid_keys(session)
    assert stored and all(row.private_key_pem.startswith("hs1.") for row in stored)
    await database.dispose()
