"""Developers' signing keys: an organization registers the Ed25519 public keys its uploads are signed
with (``hutong keygen`` makes one), several at once, each revocable.

Once an organization has registered a key (even one revoked since: revoking keys never reopens the
door to unsigned uploads), every upload of its apps must be a ``.ma`` package signed by one of its keys
that is not revoked (``check_signed``); the platform records which key signed each version and adds
its countersignature to the package it keeps (compiler/signing.py). An operator makes signing
mandatory for every organization with ``HUTONG_REQUIRE_SIGNED_UPLOADS`` (settings.py), as WeChat,
whose uploads always carry the developer's signature, does."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.compiler.signing import SignatureError, Verified, verify
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.accounts.service import require
from hutong.server.apps.models import App, DeveloperKey
from hutong.server.audit.service import record
from hutong.server.problems import Problem

_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


def now() -> datetime:
    return datetime.now(UTC)


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw public key, hex (what `hutong keygen` and `hutong verify` print)."""
    return hashlib.sha256(public_key).hexdigest()


async def add_key(
    session: AsyncSession, actor: User, organization_id: int, name: str, public_key: str
) -> DeveloperKey:
    await require(session, actor, organization_id, Action.MANAGE_SIGNING_KEYS)
    public = public_key.strip().lower()
    if not _HEX_KEY.match(public):
        raise Problem(422, "invalid_public_key", "a public key is 64 hex digits (hutong keygen prints it)")
    if not name.strip():
        raise Problem(422, "invalid_name", "name the key (whose or which machine it is)")
    existing = await session.scalar(
        select(DeveloperKey).where(
            DeveloperKey.organization_id == organization_id, DeveloperKey.public_key == public
        )
    )
    if existing is not None:
        raise Problem(409, "key_exists", "this key is already registered (a revoked key stays revoked)")
    key = DeveloperKey(
        organization_id=organization_id,
        name=name.strip()[:100],
        public_key=public,
        fingerprint=fingerprint(bytes.fromhex(public)),
        added_by=actor.id,
    )
    session.add(key)
    await session.flush()
    await record(session, None, actor, "signing_key.add", organization_id=organization_id, key_id=key.id)
    return key


async def list_keys(session: AsyncSession, actor: User, organization_id: int) -> list[DeveloperKey]:
    await require(session, actor, organization_id, Action.READ)
    rows = await session.scalars(
        select(DeveloperKey).where(DeveloperKey.organization_id == organization_id).order_by(DeveloperKey.id)
    )
    return list(rows)


async def revoke_key(session: AsyncSession, actor: User, organization_id: int, key_id: int) -> DeveloperKey:
    await require(session, actor, organization_id, Action.MANAGE_SIGNING_KEYS)
    key = await session.get(DeveloperKey, key_id)
    if key is None or key.organization_id != organization_id:
        raise Problem(404, "key_not_found", "no such key in this organization")
    if key.revoked_at is None:
        key.revoked_at = now()
        await record(
            session, None, actor, "signing_key.revoke", organization_id=organization_id, key_id=key.id
        )
    return key


async def check_signed(
    session: AsyncSession, app: App, data: bytes, *, required: bool = False
) -> tuple[DeveloperKey | None, Verified | None]:
    """Who signed an upload: the organization's key and the verified signatures.

    An organization that has registered keys takes only packages signed by one of them that is not
    revoked (a Problem otherwise). One that has registered none yet still takes plain project zips,
    (None, None), and signed packages, whose signature is checked but names no registered key,
    (None, verified) -- unless ``required`` (the operator's HUTONG_REQUIRE_SIGNED_UPLOADS), when every
    upload must be signed by a registered key."""
    keys = list(
        await session.scalars(select(DeveloperKey).where(DeveloperKey.organization_id == app.organization_id))
    )
    try:
        verified = verify(data)
    except SignatureError as error:
        unsigned = "not signed" in str(error) or "not a ZIP" in str(error)
        if unsigned and not keys and not required:
            return None, None
        if unsigned and not keys:
            raise Problem(
                422,
                "signature_required",
                "this platform takes only signed uploads: make a key with `hutong keygen`, register it "
                "(console → organization → signing keys) and upload the .ma that `hutong upload` makes",
            ) from None
        if unsigned:
            raise Problem(
                422,
                "signature_required",
                "this organization signs its uploads: upload the .ma that `hutong upload` makes",
            ) from None
        raise Problem(422, "invalid_signature", str(error)) from None
    if verified.platform is not None:
        raise Problem(422, "invalid_signature", "the package already carries a platform countersignature")
    if not keys and not required:
        return None, verified
    signer = verified.developer.public_key.hex()
    key = next((k for k in keys if k.public_key == signer), None)
    if key is None:
        raise Problem(
            403,
            "unknown_signing_key",
            f"the package is signed by key {verified.developer.fingerprint[:16]}, which this "
            "organization has not registered (console → organization → signing keys)",
        )
    if key.revoked_at is not None:
        raise Problem(
            403,
            "revoked_signing_key",
            f"the package is signed by {key.name!r}, a key revoked on {key.revoked_at:%Y-%m-%d}",
        )
    return key, verified
