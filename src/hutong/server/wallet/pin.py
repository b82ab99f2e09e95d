"""The payment PIN: six digits, Argon2id-hashed, locked after 5 wrong tries, reset only with the
account password. Each try takes one of the 5 before it is checked (an atomic UPDATE … WHERE
failures < 5), so concurrent guesses cannot get more than 5 between them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.passwords import hash_password, verify_password
from hutong.server.db.base import utcnow
from hutong.server.problems import Problem
from hutong.server.wallet.models import WalletPin

MAX_FAILURES = 5


# Argon2 takes tens of milliseconds of CPU on purpose: off the event loop, so other requests go on.
async def _hash(secret: str) -> str:
    return await asyncio.to_thread(hash_password, secret)


async def _verify(secret_hash: str, secret: str) -> bool:
    return await asyncio.to_thread(verify_password, secret_hash, secret)


def check_format(pin: str) -> None:
    if len(pin) != 6 or not pin.isascii() or not pin.isdigit():
        raise Problem(422, "invalid_pin", "a payment PIN is six digits")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise Problem(422, "weak_pin", "choose a PIN that is not one digit repeated or a run of digits")


async def state(session: AsyncSession, user_id: int) -> tuple[bool, bool]:
    """(set, locked)."""
    row = await session.get(WalletPin, user_id)
    return row is not None, row is not None and row.failures >= MAX_FAILURES


async def set_pin(session: AsyncSession, user_id: int, pin: str) -> None:
    """Set or replace the PIN (the caller has checked the old PIN or the password); unlocks it."""
    check_format(pin)
    row = await session.get(WalletPin, user_id)
    if row is None:
        session.add(WalletPin(user_id=user_id, pin_hash=await _hash(pin), failures=0))
    else:
        row.pin_hash, row.failures, row.updated_at = await _hash(pin), 0, utcnow()
    await session.commit()


async def verify(session: AsyncSession, user_id: int, pin: str) -> None:
    """Raise a problem unless ``pin`` is the user's PIN. Commits the try."""
    row = await session.get(WalletPin, user_id)
    if row is None:
        raise Problem(409, "pin_not_set", "set a payment PIN first")
    taken = await session.execute(
        update(WalletPin)
        .where(WalletPin.user_id == user_id, WalletPin.failures < MAX_FAILURES)
        .values(failures=WalletPin.failures + 1)
    )
    await session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Problem(423, "pin_locked", "the payment PIN is locked; reset it with your account password")
    pin_hash = await session.scalar(select(WalletPin.pin_hash).where(WalletPin.user_id == user_id))
    if pin_hash is not None and await _verify(pin_hash, pin):
        await session.execute(update(WalletPin).where(WalletPin.user_id == user_id).values(failures=0))
        await session.commit()
        return
    failures = await session.scalar(select(WalletPin.failures).where(WalletPin.user_id == user_id)) or 0
    left = max(MAX_FAILURES - failures, 0)
    if left == 0:
        raise Problem(423, "pin_locked", "the payment PIN is locked; reset it with your account password")
    raise Problem(403, "wrong_pin", f"wrong payment PIN; {left} tries left", tries_left=left)


async def change(
    session: AsyncSession,
    user_id: int,
    password_hash: str,
    new_pin: str,
    current_pin: str | None,
    password: str | None,
) -> None:
    """Set the first PIN or reset a forgotten or locked one with the account password; change it with
    the current PIN."""
    check_format(new_pin)
    if password is not None:
        if not await _verify(password_hash, password):
            raise Problem(403, "wrong_password", "the account password is wrong")
    elif current_pin is not None:
        await verify(session, user_id, current_pin)
    else:
        raise Problem(422, "reauthentication_required", "give the current PIN or the account password")
    await set_pin(session, user_id, new_pin)
