"""WeChat's card coupons for ``wx.addCard`` / ``wx.openCard``: a card is a stock (``cardId`` is its
``stock_id``), adding it claims one coupon of it, and the ``code`` the mini program gets back is
WeChat's encrypted code (``encrypt_code``): the coupon sealed for that app, turned into the real code
only by the app's server through ``/card/code/decrypt`` (and taken back by ``wx.openCard``).

The encrypted code is AES-256-GCM under a key derived from the app's sealed launch key, its nonce
derived from the coupon (so one coupon always gives the same code, as WeChat's does) and the appid as
associated data, in URL-safe base64: another app cannot open it, a changed one does not open, and it
reveals neither the coupon's code nor its id.

Each ``cardExt`` is signed by the app's server as WeChat says: SHA1 over the sorted concatenation of
the values ``api_ticket``, ``timestamp``, ``card_id``, ``code``, ``openid`` and ``nonce_str`` (the empty
ones left out). The ``api_ticket`` (``/cgi-bin/ticket/getticket?type=wx_card``) is derived from the
app's sealed launch key and the two-hour window it was asked in, so nothing is stored: the current and
the previous window's tickets are accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Coupon, Stock
from hutong.server.identity import launch
from hutong.server.identity import service as identity
from hutong.server.payments.models import Merchant, MerchantApp
from hutong.server.problems import Problem

TICKET_SECONDS = 7200
MAX_CARDS = 10


def ticket(app: App, session: AsyncSession, at: float | None = None) -> str | None:
    """The app's ``wx_card`` api_ticket for the window holding ``at``; None if the app has no launch key."""
    key = launch.key_of(session, app)
    if key is None:
        return None
    window = int((time.time() if at is None else at) // TICKET_SECONDS)
    mac = hmac.new(key, f"wx_card:{window}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def signature(*values: str) -> str:
    """WeChat's card signature: SHA1 of the non-empty values, sorted and concatenated."""
    # SHA1 is WeChat's choice for this signature (the ticket is the secret), not ours to change.
    return hashlib.sha1("".join(sorted(v for v in values if v)).encode()).hexdigest()  # noqa: S324


@dataclass(frozen=True)
class Card:
    card_id: str
    card_ext: str
    stock: Stock
    merchant: Merchant
    nonce: str
    timestamp: str


async def verify(session: AsyncSession, app: App, user_id: int, card_list: Any) -> list[Card]:
    """The cards of ``app``'s ``wx.addCard`` call, each checked: a stock of a merchant the app is bound
    to, a cardExt signed with the app's current or previous ticket, for this user if it names an openid."""
    if not isinstance(card_list, list) or not 1 <= len(card_list) <= MAX_CARDS:
        raise Problem(422, "invalid_card_list", f"cardList: 1 to {MAX_CARDS} cards")
    now = time.time()
    tickets = {t for t in (ticket(app, session, now), ticket(app, session, now - TICKET_SECONDS)) if t}
    openid = await identity.openid_for(session, app, user_id)
    cards = []
    for item in card_list:
        card_id = item.get("cardId") if isinstance(item, dict) else None
        card_ext = item.get("cardExt") if isinstance(item, dict) else None
        try:
            ext = json.loads(card_ext) if isinstance(card_ext, str) else None
        except ValueError:
            ext = None
        if not isinstance(card_id, str) or not isinstance(card_ext, str) or not isinstance(ext, dict):
            raise Problem(422, "invalid_card_list", "each card needs cardId and cardExt (JSON text)")
        fields = {name: str(ext.get(name) or "") for name in ("timestamp", "nonce_str", "code", "openid")}
        signed = str(ext.get("signature") or "")
        expected = [
            signature(t, fields["timestamp"], card_id, fields["code"], fields["openid"], fields["nonce_str"])
            for t in tickets
        ]
        if not fields["nonce_str"] or not any(hmac.compare_digest(e, signed) for e in expected):
            raise Problem(403, "card_signature_error", f"invalid signature of card {card_id}")
        if fields["openid"] and fields["openid"] != openid:
            raise Problem(403, "card_openid_mismatch", "the card was signed for another user")
        row = (
            await session.execute(
                select(Stock, Merchant)
                .join(Merchant, Merchant.id == Stock.merchant_id)
                .join(MerchantApp, MerchantApp.merchant_id == Merchant.id)
                .where(Stock.stock_id == card_id, MerchantApp.app_id == app.id)
            )
        ).first()
        if row is None:
            raise Problem(404, "card_not_found", f"no card {card_id} for this mini program")
        cards.append(Card(card_id, card_ext, row[0], row[1], fields["nonce_str"], fields["timestamp"]))
    return cards


async def add(session: AsyncSession, app: App, user_id: int, cards: list[Card]) -> list[dict[str, Any]]:
    """Claim one coupon per card (idempotent per signed cardExt): WeChat's ``cardList`` answer items."""
    claimant = issuing.Claimant(user_id, app.id, app.appid, await identity.openid_for(session, app, user_id))
    out = []
    for card in cards:
        number = f"card:{card.timestamp}:{card.nonce}"
        taken = await session.scalar(
            select(Coupon.user_id).where(Coupon.stock_pk == card.stock.id, Coupon.out_request_no == number)
        )
        answer: dict[str, Any] = {
            "cardId": card.card_id,
            "cardExt": card.card_ext,
            "code": "",
            "isSuccess": False,
        }
        if taken is None or taken == user_id:
            try:
                async with session.begin_nested():
                    coupon, _ = await issuing.claim(
                        session, card.stock, card.merchant, claimant, out_request_no=number, channel="MINIAPP"
                    )
                if coupon.user_id == user_id:
                    answer.update(code=encrypt_code(session, app, coupon.coupon_id), isSuccess=True)
            except issuing.ClaimRefused:
                await session.refresh(card.stock)
        out.append(answer)
    return out


def _code_key(session: AsyncSession, app: App) -> bytes | None:
    key = launch.key_of(session, app)
    return hmac.new(key, b"card_code", hashlib.sha256).digest() if key is not None else None


def encrypt_code(session: AsyncSession, app: App, coupon_id: str) -> str:
    """The ``code`` wx.addCard answers for a coupon of ``app``'s user: the coupon id, sealed for the app."""
    key = _code_key(session, app)
    if key is None:
        raise Problem(409, "no_card_key", "renew the app secret to use cards")
    nonce = hmac.new(key, coupon_id.encode(), hashlib.sha256).digest()[:12]
    sealed = AESGCM(key).encrypt(nonce, coupon_id.encode(), app.appid.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def coupon_id_of(session: AsyncSession, app: App, code: str) -> str | None:
    """The coupon id inside an encrypted code of ``app``, or None (another app's, changed, or not one)."""
    key = _code_key(session, app)
    if key is None or not 40 <= len(code) <= 128:
        return None
    try:
        raw = base64.urlsafe_b64decode(code.encode())
        return AESGCM(key).decrypt(raw[:12], raw[12:], app.appid.encode()).decode()
    except (ValueError, InvalidTag, UnicodeDecodeError):
        return None


async def decrypt(session: AsyncSession, app: App, encrypt_code: str) -> str | None:
    """The real code behind an ``encrypt_code`` this app's user got, or None."""
    coupon_id = coupon_id_of(session, app, encrypt_code)
    if coupon_id is None:
        return None
    return await session.scalar(
        select(Coupon.coupon_code).where(Coupon.coupon_id == coupon_id, Coupon.app_id == app.id)
    )
