"""The address book's rules, in plain functions the routes and tests call.

Every function takes the acting user's id: a user only ever reads or changes their own rows. What a
mini program is handed is built here too (``wechat_address``, ``wechat_invoice_title``), with
WeChat's field names, so the host passes it on unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.addresses.models import InvoiceTitle, ShippingAddress
from hutong.server.db.base import utcnow
from hutong.server.privacy.registry import rows_removed
from hutong.server.problems import Problem

MAX_ADDRESSES = 20
MAX_INVOICE_TITLES = 20
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{2,30}$")
_POSTAL = re.compile(r"^[0-9]{0,10}$")
_NATIONAL = re.compile(r"^([0-9]{6})?$")
_TAX = re.compile(r"^[0-9A-Z]{15,20}$")
Row = TypeVar("Row", ShippingAddress, InvoiceTitle)


@dataclass
class AddressIn:
    user_name: str
    tel_number: str
    province_name: str
    city_name: str
    county_name: str
    detail: str
    street_name: str = ""
    postal_code: str = ""
    national_code: str = ""


@dataclass
class InvoiceTitleIn:
    kind: int
    title: str
    tax_number: str = ""
    company_address: str = ""
    telephone: str = ""
    bank_name: str = ""
    bank_account: str = ""


def _clean(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = " ".join(str(value).split())
    if required and not text:
        raise Problem(422, "missing_field", f"{field} is required")
    if len(text) > limit:
        raise Problem(422, "field_too_long", f"{field} has at most {limit} characters")
    return text


def _address_values(data: AddressIn) -> dict[str, str]:
    values = {
        "user_name": _clean(data.user_name, "user_name", 64, required=True),
        "tel_number": _clean(data.tel_number, "tel_number", 32, required=True),
        "province_name": _clean(data.province_name, "province_name", 64, required=True),
        "city_name": _clean(data.city_name, "city_name", 64, required=True),
        "county_name": _clean(data.county_name, "county_name", 64, required=True),
        "street_name": _clean(data.street_name, "street_name", 64),
        "detail": _clean(data.detail, "detail", 256, required=True),
        "postal_code": _clean(data.postal_code, "postal_code", 16),
        "national_code": _clean(data.national_code, "national_code", 12),
    }
    if not _PHONE.match(values["tel_number"]):
        raise Problem(
            422, "invalid_tel_number", "a telephone number is digits, spaces, dashes and a leading +"
        )
    if not _POSTAL.match(values["postal_code"]):
        raise Problem(422, "invalid_postal_code", "a postal code is up to 10 digits")
    if not _NATIONAL.match(values["national_code"]):
        raise Problem(422, "invalid_national_code", "a national code is the county's 6-digit division code")
    return values


def _invoice_values(data: InvoiceTitleIn) -> dict[str, Any]:
    if data.kind not in (0, 1):
        raise Problem(422, "invalid_type", "an invoice title is a company's (0) or a person's (1)")
    values: dict[str, Any] = {
        "kind": data.kind,
        "title": _clean(data.title, "title", 128, required=True),
        "tax_number": _clean(data.tax_number, "tax_number", 32).upper(),
        "company_address": _clean(data.company_address, "company_address", 256),
        "telephone": _clean(data.telephone, "telephone", 32),
        "bank_name": _clean(data.bank_name, "bank_name", 128),
        "bank_account": _clean(data.bank_account, "bank_account", 64),
    }
    if data.kind == 0 and not _TAX.match(values["tax_number"]):
        raise Problem(
            422, "invalid_tax_number", "a company's tax number is 15 to 20 digits or capital letters"
        )
    if data.kind == 1:
        # A person's title carries only the name, as in WeChat.
        values.update(tax_number="", company_address="", telephone="", bank_name="", bank_account="")
    return values


# -- the two lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Book(Generic[Row]):
    """One of the user's lists (addresses, invoice titles): rows only their owner sees, at most
    ``limit`` of them; another user's row is as missing as one that never was."""

    model: type[Row]
    limit: int
    missing: tuple[str, str]  # the 404's code and message
    too_many: tuple[str, str]  # the 409's

    async def rows(self, session: AsyncSession, user_id: int) -> list[Row]:
        model: Any = self.model
        return list(await session.scalars(select(model).where(model.user_id == user_id).order_by(model.id)))

    async def own(self, session: AsyncSession, user_id: int, row_id: int) -> Row:
        row = await session.get(self.model, row_id)
        if row is None or row.user_id != user_id:
            raise Problem(404, *self.missing)
        return row

    async def add(self, session: AsyncSession, user_id: int, values: dict[str, Any]) -> Row:
        model: Any = self.model
        count = await session.scalar(select(func.count()).where(model.user_id == user_id))
        if (count or 0) >= self.limit:
            raise Problem(409, *self.too_many)
        row = self.model(user_id=user_id, **values)
        session.add(row)
        await session.flush()
        return row

    async def change(self, session: AsyncSession, user_id: int, row_id: int, values: dict[str, Any]) -> Row:
        row = await self.own(session, user_id, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        await session.flush()
        return row

    async def remove(self, session: AsyncSession, user_id: int, row_id: int) -> None:
        await session.delete(await self.own(session, user_id, row_id))
        await session.flush()


_ADDRESSES = _Book(
    ShippingAddress,
    MAX_ADDRESSES,
    ("address_not_found", "no such address"),
    ("too_many_addresses", f"keep at most {MAX_ADDRESSES} addresses"),
)
_TITLES = _Book(
    InvoiceTitle,
    MAX_INVOICE_TITLES,
    ("invoice_title_not_found", "no such invoice title"),
    ("too_many_invoice_titles", f"keep at most {MAX_INVOICE_TITLES} invoice titles"),
)


# -- addresses --------------------------------------------------------------------------------------


async def addresses(session: AsyncSession, user_id: int) -> list[ShippingAddress]:
    return await _ADDRESSES.rows(session, user_id)


async def add_address(session: AsyncSession, user_id: int, data: AddressIn) -> ShippingAddress:
    return await _ADDRESSES.add(session, user_id, _address_values(data))


async def change_address(
    session: AsyncSession, user_id: int, address_id: int, data: AddressIn
) -> ShippingAddress:
    return await _ADDRESSES.change(session, user_id, address_id, _address_values(data))


async def remove_address(session: AsyncSession, user_id: int, address_id: int) -> None:
    await _ADDRESSES.remove(session, user_id, address_id)


def wechat_address(row: ShippingAddress) -> dict[str, str]:
    """The address as wx.chooseAddress hands it over (errMsg is added by the host)."""
    return {
        "userName": row.user_name,
        "postalCode": row.postal_code,
        "provinceName": row.province_name,
        "cityName": row.city_name,
        "countyName": row.county_name,
        "streetName": row.street_name,
        # detailInfo includes the street; detailInfoNew is what follows it (WeChat's newer picker).
        "detailInfo": f"{row.street_name}{row.detail}",
        "detailInfoNew": row.detail,
        "nationalCode": row.national_code,
        "telNumber": row.tel_number,
    }


# -- invoice titles ---------------------------------------------------------------------------------


async def invoice_titles(session: AsyncSession, user_id: int) -> list[InvoiceTitle]:
    return await _TITLES.rows(session, user_id)


async def add_invoice_title(session: AsyncSession, user_id: int, data: InvoiceTitleIn) -> InvoiceTitle:
    return await _TITLES.add(session, user_id, _invoice_values(data))


async def change_invoice_title(
    session: AsyncSession, user_id: int, title_id: int, data: InvoiceTitleIn
) -> InvoiceTitle:
    return await _TITLES.change(session, user_id, title_id, _invoice_values(data))


async def remove_invoice_title(session: AsyncSession, user_id: int, title_id: int) -> None:
    await _TITLES.remove(session, user_id, title_id)


def wechat_invoice_title(row: InvoiceTitle) -> dict[str, str]:
    """The title as wx.chooseInvoiceTitle hands it over: type "0" a company, "1" a person."""
    return {
        "type": str(row.kind),
        "title": row.title,
        "taxNumber": row.tax_number,
        "companyAddress": row.company_address,
        "telephone": row.telephone,
        "bankName": row.bank_name,
        "bankAccount": row.bank_account,
    }


# -- data rights ------------------------------------------------------------------------------------


async def export_address_book(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """Everything the host keeps here for the user, with when each was added and last changed."""

    def dates(row: ShippingAddress | InvoiceTitle) -> dict[str, str]:
        return {"created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}

    return {
        "addresses": [
            {"id": row.id, **wechat_address(row), **dates(row)} for row in await addresses(session, user_id)
        ],
        "invoice_titles": [
            {"id": row.id, **wechat_invoice_title(row), **dates(row)}
            for row in await invoice_titles(session, user_id)
        ],
    }


async def delete_address_book(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Forget every address and invoice title of the user; answers how many of each went."""
    gone_addresses = await session.execute(delete(ShippingAddress).where(ShippingAddress.user_id == user_id))
    gone_titles = await session.execute(delete(InvoiceTitle).where(InvoiceTitle.user_id == user_id))
    return {"addresses": rows_removed(gone_addresses), "invoice_titles": rows_removed(gone_titles)}
