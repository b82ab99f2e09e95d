"""A merchant's physical stores and the people who may redeem coupons in them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.coupons.models import Store, StoreStaff
from hutong.server.payments.models import Merchant
from hutong.server.problems import Problem

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _hours(value: Any) -> list[dict[str, object]]:
    """[{days: [0..6], open: "HH:MM", close: "HH:MM"}], days 0 = Sunday as WeChat counts them."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 14:
        raise Problem(422, "invalid_hours", "hours is a list of {days, open, close}")
    hours: list[dict[str, object]] = []
    for item in value:
        days = item.get("days") if isinstance(item, dict) else None
        opens, closes = (item.get("open"), item.get("close")) if isinstance(item, dict) else (None, None)
        if (
            not isinstance(days, list)
            or not days
            or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days)
            or not isinstance(opens, str)
            or not isinstance(closes, str)
            or not _TIME.match(opens)
            or not _TIME.match(closes)
            or opens >= closes
        ):
            raise Problem(
                422, "invalid_hours", "each opening is {days: [0-6], open: 'HH:MM', close: 'HH:MM'}"
            )
        hours.append({"days": sorted(set(days)), "open": opens, "close": closes})
    return hours


def apply(store: Store, body: dict[str, Any]) -> None:
    if "name" in body:
        name = str(body["name"] or "").strip()
        if not 1 <= len(name) <= 64:
            raise Problem(422, "invalid_store", "a store name of 1 to 64 characters is needed")
        store.name = name
    if "address" in body:
        store.address = str(body["address"] or "")[:256]
    for field, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0)):
        if field in body:
            value = body[field]
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high
            ):
                raise Problem(422, "invalid_store", f"{field} is a number from {low} to {high}")
            setattr(store, field, None if value is None else float(value))
    if "hours" in body:
        store.hours = _hours(body["hours"])
    if "active" in body:
        store.active = bool(body["active"])


async def create(session: AsyncSession, merchant: Merchant, body: dict[str, Any]) -> Store:
    store = Store(merchant_id=merchant.id, name="", address="", hours=[])
    apply(store, {"name": body.get("name"), **body})
    session.add(store)
    await session.flush()
    return store


async def of_merchant(session: AsyncSession, merchant: Merchant) -> list[Store]:
    return list(
        await session.scalars(select(Store).where(Store.merchant_id == merchant.id).order_by(Store.id))
    )


async def get(session: AsyncSession, merchant: Merchant, store_id: int) -> Store:
    store = await session.get(Store, store_id)
    if store is None or store.merchant_id != merchant.id:
        raise Problem(404, "store_not_found", f"no store {store_id}")
    return store


async def staff_of(session: AsyncSession, store: Store) -> list[User]:
    return list(
        await session.scalars(
            select(User)
            .join(StoreStaff, StoreStaff.user_id == User.id)
            .where(StoreStaff.store_id == store.id)
        )
    )


async def add_staff(session: AsyncSession, store: Store, email: str) -> User:
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise Problem(404, "user_not_found", "no account with that email (they sign up first)")
    try:
        async with session.begin_nested():
            session.add(StoreStaff(store_id=store.id, user_id=user.id))
    except IntegrityError:
        pass  # already staff
    return user


async def remove_staff(session: AsyncSession, store: Store, user_id: int) -> None:
    row = await session.scalar(
        select(StoreStaff).where(StoreStaff.store_id == store.id, StoreStaff.user_id == user_id)
    )
    if row is not None:
        await session.delete(row)


async def redeemer_store(session: AsyncSession, user: User, store_id: int) -> tuple[Store, Merchant]:
    """The store ``user`` may redeem in: its staff, or a member of the merchant's organization who may
    manage payments. Anyone else learns nothing (404)."""
    store = await session.get(Store, store_id)
    merchant = await session.get(Merchant, store.merchant_id) if store is not None else None
    if store is None or merchant is None or not store.active:
        raise Problem(404, "store_not_found", f"no store {store_id}")
    staff = await session.scalar(
        select(StoreStaff.id).where(StoreStaff.store_id == store.id, StoreStaff.user_id == user.id)
    )
    if staff is None:
        role = await accounts.role_in(session, user, merchant.organization_id)
        if role is None or not allows(role, Action.MANAGE_PAYMENTS):
            raise Problem(404, "store_not_found", f"no store {store_id}")
    return store, merchant


def describe(store: Store, staff: list[User] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": store.id,
        "name": store.name,
        "address": store.address,
        "latitude": store.latitude,
        "longitude": store.longitude,
        "hours": store.hours,
        "active": store.active,
    }
    if staff is not None:
        body["staff"] = [{"user_id": user.id, "email": user.email} for user in staff]
    return body
