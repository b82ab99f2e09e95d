"""Shipping addresses and invoice titles: one row each, owned by one host user (not by any app).

A mini program never reads these tables: the host shows the user's list, and only the one the user
picks is handed to the app (wx.chooseAddress / wx.chooseInvoiceTitle, under scope.address and
scope.invoiceTitle)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped, utcnow


class ShippingAddress(Timestamped, Base):
    """One address, in the parts WeChat hands to apps (userName, provinceName … telNumber)."""

    __tablename__ = "shipping_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_name: Mapped[str] = mapped_column(String(64))
    tel_number: Mapped[str] = mapped_column(String(32))
    province_name: Mapped[str] = mapped_column(String(64))
    city_name: Mapped[str] = mapped_column(String(64))
    county_name: Mapped[str] = mapped_column(String(64))
    street_name: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(256))  # after the street: WeChat's detailInfoNew
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    national_code: Mapped[str] = mapped_column(String(12), default="")  # the county's division code
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InvoiceTitle(Timestamped, Base):
    """One invoice title: a company's (kind 0, with its tax number) or a person's (kind 1)."""

    __tablename__ = "invoice_titles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(128))
    tax_number: Mapped[str] = mapped_column(String(32), default="")
    company_address: Mapped[str] = mapped_column(String(256), default="")
    telephone: Mapped[str] = mapped_column(String(32), default="")
    bank_name: Mapped[str] = mapped_column(String(128), default="")
    bank_account: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
