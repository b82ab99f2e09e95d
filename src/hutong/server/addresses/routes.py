"""Host-only endpoints for the user's address book (Me → Addresses, Me → Invoice titles, and the
host's choosers for wx.chooseAddress / wx.chooseInvoiceTitle). A signed-in browser session only, CSRF
on writes; a request a browser marks as coming from another site (a mini program's opaque origin is
one) is refused before anything is read. Each row carries ``wechat``: what the app is handed if the
user picks it, in WeChat's field names.

/api/me/address-book/export and DELETE /api/me/address-book are the data-rights export and delete."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts.models import User
from hutong.server.addresses import service
from hutong.server.addresses.models import InvoiceTitle, ShippingAddress
from hutong.server.consent.routes import host_only
from hutong.server.deps import database
from hutong.server.privacy.routes import session_user

router = APIRouter(prefix="/api/me", tags=["address book"], dependencies=[Depends(host_only)])
SessionUser = Annotated[User, Depends(session_user)]
RowId = Annotated[int, Path(ge=1)]


class AddressIn(BaseModel):
    user_name: str = Field(max_length=200)
    tel_number: str = Field(max_length=200)
    province_name: str = Field(max_length=200)
    city_name: str = Field(max_length=200)
    county_name: str = Field(max_length=200)
    street_name: str = Field(default="", max_length=200)
    detail: str = Field(max_length=1000)
    postal_code: str = Field(default="", max_length=200)
    national_code: str = Field(default="", max_length=200)


class AddressOut(AddressIn):
    id: int
    wechat: dict[str, str] = Field(description="What wx.chooseAddress hands the app (without errMsg).")


class InvoiceTitleIn(BaseModel):
    type: int = Field(description="0: a company's title, 1: a person's (WeChat's type)")
    title: str = Field(max_length=500)
    tax_number: str = Field(default="", max_length=200)
    company_address: str = Field(default="", max_length=1000)
    telephone: str = Field(default="", max_length=200)
    bank_name: str = Field(default="", max_length=500)
    bank_account: str = Field(default="", max_length=200)


class InvoiceTitleOut(InvoiceTitleIn):
    id: int
    wechat: dict[str, str] = Field(description="What wx.chooseInvoiceTitle hands the app (without errMsg).")


class DeletedOut(BaseModel):
    deleted: dict[str, int]


def _address_out(row: ShippingAddress) -> AddressOut:
    return AddressOut(
        id=row.id,
        user_name=row.user_name,
        tel_number=row.tel_number,
        province_name=row.province_name,
        city_name=row.city_name,
        county_name=row.county_name,
        street_name=row.street_name,
        detail=row.detail,
        postal_code=row.postal_code,
        national_code=row.national_code,
        wechat=service.wechat_address(row),
    )


def _title_out(row: InvoiceTitle) -> InvoiceTitleOut:
    return InvoiceTitleOut(
        id=row.id,
        type=row.kind,
        title=row.title,
        tax_number=row.tax_number,
        company_address=row.company_address,
        telephone=row.telephone,
        bank_name=row.bank_name,
        bank_account=row.bank_account,
        wechat=service.wechat_invoice_title(row),
    )


def _address_in(body: AddressIn) -> service.AddressIn:
    return service.AddressIn(**body.model_dump())


def _title_in(body: InvoiceTitleIn) -> service.InvoiceTitleIn:
    values = body.model_dump()
    return service.InvoiceTitleIn(kind=values.pop("type"), **values)


@router.get("/addresses", response_model=list[AddressOut])
async def list_addresses(request: Request, user: SessionUser) -> list[AddressOut]:
    async with database(request).session() as session:
        return [_address_out(row) for row in await service.addresses(session, user.id)]


@router.post("/addresses", response_model=AddressOut, status_code=201)
async def add_address(body: AddressIn, request: Request, user: SessionUser) -> AddressOut:
    async with database(request).session() as session:
        return _address_out(await service.add_address(session, user.id, _address_in(body)))


@router.put("/addresses/{address_id}", response_model=AddressOut)
async def change_address(
    address_id: RowId, body: AddressIn, request: Request, user: SessionUser
) -> AddressOut:
    async with database(request).session() as session:
        return _address_out(await service.change_address(session, user.id, address_id, _address_in(body)))


@router.delete("/addresses/{address_id}", status_code=204)
async def remove_address(address_id: RowId, request: Request, user: SessionUser) -> Response:
    async with database(request).session() as session:
        await service.remove_address(session, user.id, address_id)
    return Response(status_code=204)


@router.get("/invoice-titles", response_model=list[InvoiceTitleOut])
async def list_invoice_titles(request: Request, user: SessionUser) -> list[InvoiceTitleOut]:
    async with database(request).session() as session:
        return [_title_out(row) for row in await service.invoice_titles(session, user.id)]


@router.post("/invoice-titles", response_model=InvoiceTitleOut, status_code=201)
async def add_invoice_title(body: InvoiceTitleIn, request: Request, user: SessionUser) -> InvoiceTitleOut:
    async with database(request).session() as session:
        return _title_out(await service.add_invoice_title(session, user.id, _title_in(body)))


@router.put("/invoice-titles/{title_id}", response_model=InvoiceTitleOut)
async def change_invoice_title(
    title_id: RowId, body: InvoiceTitleIn, request: Request, user: SessionUser
) -> InvoiceTitleOut:
    async with database(request).session() as session:
        return _title_out(await service.change_invoice_title(session, user.id, title_id, _title_in(body)))


@router.delete("/invoice-titles/{title_id}", status_code=204)
async def remove_invoice_title(title_id: RowId, request: Request, user: SessionUser) -> Response:
    async with database(request).session() as session:
        await service.remove_invoice_title(session, user.id, title_id)
    return Response(status_code=204)


@router.get("/address-book/export")
async def export_address_book(request: Request, user: SessionUser) -> Response:
    """The addresses and invoice titles, as a JSON file to keep (data rights)."""
    async with database(request).session() as session:
        document = {
            "user": {"id": user.id, "email": user.email},
            "exported_at": datetime.now(UTC).isoformat(),
            **await service.export_address_book(session, user.id),
        }
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="hutong-address-book.json"',
            "Cache-Control": "private, no-store",
        },
    )


@router.delete("/address-book", response_model=DeletedOut)
async def delete_address_book(request: Request, user: SessionUser) -> DeletedOut:
    """Forget every address and invoice title (data rights)."""
    async with database(request).session() as session:
        return DeletedOut(deleted=await service.delete_address_book(session, user.id))
