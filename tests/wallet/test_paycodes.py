"""The payment code on SQLite and PostgreSQL: 18 digits starting 10-15, spent once, dead after 90
seconds or once a newer one is shown (the shell's drawing of it is read back in test_pay_journey)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hutong.server.accounts import service as accounts
from hutong.server.db import Database
from hutong.server.wallet import paycodes


async def test_a_code_pays_once_for_its_user_within_its_minute(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.session() as session:
        alice = await accounts.sign_up(session, "alice@example.com", "long enough")
        bob = await accounts.sign_up(session, "bob@example.com", "long enough")
        code, _ = await paycodes.issue(session, alice.id)
        assert paycodes.looks_like_code(code) and "10" <= code[:2] <= "15"
        bobs, _ = await paycodes.issue(session, bob.id)
        assert await paycodes.redeem(session, bobs) == bob.id
        assert await paycodes.redeem(session, code) == alice.id
        await session.commit()
        assert await paycodes.redeem(session, code) is None  # spent
        assert await paycodes.redeem(session, "9" * 18) is None
        assert await paycodes.redeem(session, "12345") is None

        # A newer code retires the one shown before it.
        first, _ = await paycodes.issue(session, alice.id)
        second, _ = await paycodes.issue(session, alice.id)
        assert await paycodes.redeem(session, first) is None
        assert await paycodes.redeem(session, second) == alice.id

        # After 90 seconds it is worth nothing.
        late, _ = await paycodes.issue(session, alice.id)
        real = paycodes.now
        monkeypatch.setattr(paycodes, "now", lambda: real() + timedelta(seconds=91))
        assert await paycodes.redeem(session, late) is None
