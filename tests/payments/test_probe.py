"""`hutong pay probe`: against a careful receiver (wechatpayv3's verify and decrypt plus a 5-minute clock
check) nothing is reported; against a careless one (accepts whatever arrives) the stale, forged, SIGNTEST
and undecryptable notifications are reported as wrongly accepted. Both receivers are real loopback HTTP
servers; the probe goes through the platform's egress checks."""

from __future__ import annotations

import time
from pathlib import Path

from wechatpayv3 import WeChatPay, WeChatPayType

from hutong.server.db import Database
from hutong.server.payments.probe import probe, report
from hutong.server.sealing import Keyring
from hutong.server.wechatpay import crypto
from hutong.server.wechatpay.keys import KeyCache
from hutong.settings import Settings
from tests.conftest import migrate
from tests.payments.receiver import receiver

APIV3_KEY = "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4"


async def test_probe_tells_careful_from_careless_receivers(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}"
    await migrate(url)
    database = Database(url, Keyring.from_settings(Settings(data_dir=tmp_path)))
    ring = await KeyCache(database).ring()
    await database.dispose()
    signer = ring.signer
    merchant_key = crypto.private_pem(crypto.new_rsa_key())
    sdk = WeChatPay(
        wechatpay_type=WeChatPayType.MINIPROG,
        mchid="1900000001",
        private_key=merchant_key,
        cert_serial_no="ABC",
        appid="hxappid",
        apiv3_key=APIV3_KEY,
        public_key=signer.public_key_pem,
        public_key_id=signer.public_key_id,
    )
    applied: list[str] = []

    def careful(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        # Header names are case-insensitive (the egress client sends them lowercase), as frameworks know.
        timestamp = {name.lower(): value for name, value in headers.items()}.get("wechatpay-timestamp", "0")
        if abs(time.time() - int(timestamp)) > 300:
            return 401, b'{"code":"FAIL","message":"stale"}'
        try:
            result = sdk.callback(headers, body)
        except Exception:
            result = None
        if not result:
            return 401, b'{"code":"FAIL","message":"bad signature"}'
        notify_id = result["id"]
        if notify_id not in applied:  # a duplicate is acknowledged, applied once
            applied.append(notify_id)
        return 204, b""

    def careless(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        return 200, b""

    async def run(endpoint: str) -> list[tuple[str, bool]]:
        results = await probe(
            endpoint,
            mchid="1900000001",
            appid="hxappid",
            apiv3_key=APIV3_KEY,
            ring=ring,
            public_key_mode=True,
            allow_networks="127.0.0.0/8",
        )
        print(report(results))
        return [(result.case, result.wrong) for result in results]

    with receiver(careful) as good:
        verdicts = await run(good.url)
    assert verdicts == [
        ("genuine", False),
        ("duplicate", False),
        ("stale", False),
        ("forged", False),
        ("signtest", False),
        ("undecryptable", False),
    ]
    assert len(applied) == 1 and len(good.received) == 6
    with receiver(careless) as bad:
        wrong = {case for case, is_wrong in await run(bad.url) if is_wrong}
    assert wrong == {"stale", "forged", "signtest", "undecryptable"}
    # Without the operator's allowance the platform does not send to loopback at all.
    results = await probe(
        "http://127.0.0.1:9/pay",
        mchid="1900000001",
        appid="x",
        apiv3_key=APIV3_KEY,
        ring=ring,
        public_key_mode=True,
    )
    assert all(result.status is None and "egress" in result.error for result in results)
