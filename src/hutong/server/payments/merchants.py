"""Merchant accounts: made by an organization, bound to its apps, holding the merchant's API public key
(and certificate serial) and APIv3 key; who may refund is a list of organization roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import sealing
from hutong.server.accounts.models import ORG_ROLES
from hutong.server.apps.models import App
from hutong.server.payments import ids
from hutong.server.payments.models import Merchant, MerchantApp, apiv3_key_purpose
from hutong.server.problems import Problem
from hutong.server.wechatpay import crypto

_APIV3_KEY = re.compile(r"^[A-Za-z0-9]{32}$")
KEY_MODES = ("public_key", "certificate")


async def create(session: AsyncSession, organization_id: int, name: str) -> Merchant:
    name = name.strip()
    if not 1 <= len(name) <= 128:
        raise Problem(422, "invalid_merchant", "a merchant name of 1 to 128 characters is needed")
    for _ in range(5):
        merchant = Merchant(mchid=ids.new_mchid(), organization_id=organization_id, name=name)
        try:
            async with session.begin_nested():
                session.add(merchant)
            return merchant
        except IntegrityError:  # a colliding mchid; draw again
            continue
    raise Problem(500, "internal_error", "could not allot a merchant number")


async def by_mchid(session: AsyncSession, mchid: str) -> Merchant | None:
    return await session.scalar(select(Merchant).where(Merchant.mchid == mchid))


@dataclass(frozen=True)
class IssuedKey:
    serial_no: str
    private_key_pem: str  # handed to the merchant once, never kept


def set_public_key(merchant: Merchant, text: str) -> str:
    """The merchant's RSA-2048 public key, or its API certificate (whose serial is then the serial
    its requests name). Answers the serial."""
    try:
        public_key = crypto.load_rsa_public_key(text)
    except ValueError as error:
        raise Problem(422, "invalid_public_key", str(error)) from error
    serial = ids.new_serial()
    if "BEGIN CERTIFICATE" in text:
        serial = f"{x509.load_pem_x509_certificate(text.strip().encode()).serial_number:X}"
    merchant.public_key_pem = crypto.public_pem(public_key)
    merchant.serial_no = serial
    return serial


def generate_key(merchant: Merchant) -> IssuedKey:
    """A new key pair: the platform keeps the public half and hands the private half over once."""
    private = crypto.new_rsa_key()
    merchant.public_key_pem = crypto.public_pem(private.public_key())
    merchant.serial_no = ids.new_serial()
    return IssuedKey(merchant.serial_no, crypto.private_pem(private))


def set_apiv3_key(session: AsyncSession, merchant: Merchant, key: str | None) -> str:
    """32 letters and digits (WeChat's rule); None makes one. Kept sealed."""
    key = key if key is not None else ids.new_apiv3_key()
    if not _APIV3_KEY.match(key):
        raise Problem(422, "invalid_apiv3_key", "the APIv3 key is 32 letters and digits")
    merchant.apiv3_key = sealing.keyring_of(session).seal(key, purpose=apiv3_key_purpose(merchant.mchid))
    return key


def apiv3_key(session: AsyncSession, merchant: Merchant) -> str | None:
    """The merchant's APIv3 key in the clear, for encrypting what is sent to it."""
    if merchant.apiv3_key is None:
        return None
    return sealing.keyring_of(session).unseal_text(
        merchant.apiv3_key, purpose=apiv3_key_purpose(merchant.mchid)
    )


def set_rules(
    merchant: Merchant,
    notify_prefixes: list[str] | None,
    refund_roles: list[str] | None,
    platform_key_mode: str | None,
) -> None:
    if notify_prefixes is not None:
        for prefix in notify_prefixes:
            if not prefix.startswith(("https://", "http://")) or len(prefix) > 256:
                raise Problem(422, "invalid_notify_prefix", f"{prefix!r} is not an http(s) URL prefix")
        merchant.notify_prefixes = list(notify_prefixes)
    if refund_roles is not None:
        unknown = set(refund_roles) - set(ORG_ROLES)
        if unknown:
            raise Problem(422, "invalid_role", f"unknown roles: {', '.join(sorted(unknown))}")
        merchant.refund_roles = sorted(set(refund_roles))
    if platform_key_mode is not None:
        if platform_key_mode not in KEY_MODES:
            raise Problem(422, "invalid_key_mode", "platform_key_mode is public_key or certificate")
        merchant.platform_key_mode = platform_key_mode


async def bind_app(session: AsyncSession, merchant: Merchant, appid: str) -> App:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.organization_id != merchant.organization_id:
        raise Problem(404, "app_not_found", f"the organization has no mini program {appid!r}")
    exists = await session.scalar(
        select(MerchantApp.id).where(MerchantApp.merchant_id == merchant.id, MerchantApp.app_id == app.id)
    )
    if exists is None:
        session.add(MerchantApp(merchant_id=merchant.id, app_id=app.id))
        await session.flush()
    return app


async def unbind_app(session: AsyncSession, merchant: Merchant, appid: str) -> None:
    row = await session.scalar(
        select(MerchantApp)
        .join(App, App.id == MerchantApp.app_id)
        .where(MerchantApp.merchant_id == merchant.id, App.appid == appid)
    )
    if row is not None:
        await session.delete(row)


async def bound_appids(session: AsyncSession, merchant: Merchant) -> list[str]:
    rows = await session.scalars(
        select(App.appid)
        .join(MerchantApp, MerchantApp.app_id == App.id)
        .where(MerchantApp.merchant_id == merchant.id)
    )
    return sorted(rows)


async def bound_app(session: AsyncSession, merchant: Merchant, appid: str) -> App | None:
    """The app if ``appid`` is bound to ``merchant``."""
    return await session.scalar(
        select(App)
        .join(MerchantApp, MerchantApp.app_id == App.id)
        .where(MerchantApp.merchant_id == merchant.id, App.appid == appid)
    )


async def request_key(session: AsyncSession, mchid: str, serial_no: str) -> rsa.RSAPublicKey | None:
    """For auth.verify: the merchant's public key when ``serial_no`` is its certificate serial."""
    merchant = await by_mchid(session, mchid)
    if merchant is None or merchant.public_key_pem is None or merchant.serial_no is None:
        return None
    if serial_no.upper().lstrip("0") != merchant.serial_no.upper().lstrip("0"):
        return None
    return crypto.load_rsa_public_key(merchant.public_key_pem)


def may_refund(merchant: Merchant, role: str | None) -> bool:
    return role is not None and role in (merchant.refund_roles or [])
