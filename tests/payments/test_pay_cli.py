"""`hutong pay probe URL --mchid` and `hutong pay rotate-key` / `retire-key`, run as the command runs,
against a platform database and real loopback endpoints."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.server.accounts import service as accounts
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade
from hutong.server.payments import merchants
from hutong.server.sealing import Keyring
from hutong.server.wechatpay import keys
from hutong.settings import get_settings
from tests.payments.receiver import receiver

APIV3_KEY = "K1k2K3k4K5k6K7k8K9k0L1l2L3l4L5l6"


async def _merchant() -> tuple[str, list[str]]:
    settings = get_settings()
    database = Database(settings.effective_database_url, Keyring.from_settings(settings))
    try:
        async with database.session() as session:
            owner = await accounts.sign_up(session, "owner@example.com", "long enough")
            org = await accounts.create_organization(session, owner, "Tea")
            merchant = await merchants.create(session, org.id, "Tea Shop")
            merchants.set_apiv3_key(session, merchant, APIV3_KEY)
            mchid = merchant.mchid
        ring = await keys.KeyCache(database).ring()
        return mchid, [key.serial_no for key in ring.keys]
    finally:
        await database.dispose()


def test_the_pay_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUTONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUTONG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'pay.db'}")
    monkeypatch.setenv("HUTONG_EGRESS_ALLOW_NETWORKS", "127.0.0.0/8")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        upgrade(get_settings().effective_database_url)
        mchid, (first,) = asyncio.run(_merchant())
        with receiver(lambda headers, body: (204, b"")) as careless:
            probed = runner.invoke(cli, ["pay", "probe", careless.url, "--mchid", mchid])
        assert probed.exit_code == 1, probed.output
        wrong = [line.split()[1] for line in probed.output.splitlines() if line.startswith("WRONG")]
        assert wrong == ["stale", "forged", "signtest", "undecryptable"]
        with receiver(lambda headers, body: (500, b'{"code":"FAIL","message":""}')) as refusing:
            probed = runner.invoke(cli, ["pay", "probe", refusing.url, "--mchid", mchid])
        assert probed.exit_code == 1 and "WRONG genuine" in probed.output
        unknown = runner.invoke(cli, ["pay", "probe", careless.url, "--mchid", "1900000000"])
        assert unknown.exit_code != 0

        rotated = runner.invoke(cli, ["pay", "rotate-key"])
        assert rotated.exit_code == 0 and "PUB_KEY_ID_" in rotated.output
        second = rotated.output.split()[0]
        assert runner.invoke(cli, ["pay", "retire-key", second]).exit_code == 1  # it signs
        retired = runner.invoke(cli, ["pay", "retire-key", first])
        assert retired.exit_code == 0 and first in retired.output
    finally:
        get_settings.cache_clear()
