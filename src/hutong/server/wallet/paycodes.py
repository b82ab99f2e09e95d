"""The user-shown payment code (WeChat's 付款码): 18 digits starting 10 to 15, single use, valid 90 s
and refreshed by the shell every minute; a new code retires the user's earlier ones. A cashier's
system sends it to the code-payment API, which calls ``redeem`` to learn whose wallet pays."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import zxingcpp
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.passwords import digest
from hutong.server.db.base import utcnow
from hutong.server.wallet.models import PayCode

LIFETIME = timedelta(seconds=90)


def now() -> datetime:
    """The clock (tests move it)."""
    return utcnow()


def new_code() -> str:
    return f"1{secrets.randbelow(6)}" + "".join(str(secrets.randbelow(10)) for _ in range(16))


def looks_like_code(text: str) -> bool:
    return len(text) == 18 and text.isdigit() and "10" <= text[:2] <= "15"


async def issue(session: AsyncSession, user_id: int) -> tuple[str, datetime]:
    moment = now()
    # Only the newest code works: a code shown a minute ago and photographed is worth nothing.
    await session.execute(delete(PayCode).where(PayCode.user_id == user_id, PayCode.used_at.is_(None)))
    code = new_code()
    session.add(PayCode(code_hash=digest(code), user_id=user_id, expires_at=moment + LIFETIME))
    await session.commit()
    return code, moment + LIFETIME


async def redeem(session: AsyncSession, code: str) -> int | None:
    """The user whose code this is, spending it (once; in the caller's transaction), or None."""
    if not looks_like_code(code):
        return None
    spent = await session.execute(
        update(PayCode)
        .where(PayCode.code_hash == digest(code), PayCode.used_at.is_(None), PayCode.expires_at > now())
        .values(used_at=now())
        .returning(PayCode.user_id)
    )
    user_id: int | None = spent.scalar_one_or_none()
    return user_id


async def refusal(session: AsyncSession, code: str) -> str:
    """Why ``redeem`` refused a code: "invalid" (not a code, or never issued or retired by a newer
    one), "used" or "expired"."""
    if not looks_like_code(code):
        return "invalid"
    row = await session.scalar(select(PayCode).where(PayCode.code_hash == digest(code)))
    if row is None:
        return "invalid"
    return "used" if row.used_at is not None else "expired"


def svg(code: str, kind: str) -> str:
    """The code as an SVG QR code (``qr``) or Code 128 barcode (``barcode``)."""
    fmt = zxingcpp.BarcodeFormat.QRCode if kind == "qr" else zxingcpp.BarcodeFormat.Code128
    text: str = zxingcpp.write_barcode_to_svg(zxingcpp.create_barcode(code, fmt))
    return text
