"""The address book (wx.chooseAddress, wx.chooseInvoiceTitle): the service on both databases, and the
host-only API with its data-rights export and delete."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hutong.server.accounts import service as accounts
from hutong.server.addresses import service
from hutong.server.db import Database
from hutong.server.problems import Problem
from tests.conftest import DATABASES, migrate, scratch_database
from tests.platform.apiclient import platform, settings_for

HOME = {
    "user_name": "张三",
    "tel_number": "020-81167888",
    "province_name": "广东省",
    "city_name": "广州市",
    "county_name": "海珠区",
    "street_name": "新港中路",
    "detail": "397号",
    "postal_code": "510000",
    "national_code": "440105",
}
COMPANY = {
    "type": 0,
    "title": "示例科技有限公司",
    "tax_number": "91440101ma5cxxxx1x",
    "company_address": "广州市海珠区新港中路397号",
    "telephone": "020-81167888",
    "bank_name": "招商银行广州分行",
    "bank_account": "6225880000000000",
}


async def test_addresses_and_titles_are_each_users_own(database: Database) -> None:
    async with database.session() as session:
        alice = (await accounts.sign_up(session, "alice@example.com", "long enough")).id
        bob = (await accounts.sign_up(session, "bob@example.com", "long enough")).id
    async with database.session() as session:
        home = await service.add_address(session, alice, service.AddressIn(**HOME))
        assert service.wechat_address(home) == {
            "userName": "张三",
            "postalCode": "510000",
            "provinceName": "广东省",
            "cityName": "广州市",
            "countyName": "海珠区",
            "streetName": "新港中路",
            "detailInfo": "新港中路397号",
            "detailInfoNew": "397号",
            "nationalCode": "440105",
            "telNumber": "020-81167888",
        }
        values = {k: str(v) for k, v in COMPANY.items() if k != "type"}
        title = await service.add_invoice_title(session, alice, service.InvoiceTitleIn(kind=0, **values))
        assert service.wechat_invoice_title(title) == {
            "type": "0",
            "title": "示例科技有限公司",
            "taxNumber": "91440101MA5CXXXX1X",
            "companyAddress": "广州市海珠区新港中路397号",
            "telephone": "020-81167888",
            "bankName": "招商银行广州分行",
            "bankAccount": "6225880000000000",
        }
        person = await service.add_invoice_title(
            session, alice, service.InvoiceTitleIn(kind=1, title="张三", tax_number="ignored")
        )
        assert service.wechat_invoice_title(person)["taxNumber"] == ""
        for broken, code in [
            ({**HOME, "tel_number": "call me"}, "invalid_tel_number"),
            ({**HOME, "national_code": "44"}, "invalid_national_code"),
            ({**HOME, "detail": "  "}, "missing_field"),
            ({**HOME, "user_name": "x" * 65}, "field_too_long"),
        ]:
            with pytest.raises(Problem) as refused:
                await service.add_address(session, alice, service.AddressIn(**broken))
            assert refused.value.code == code
        with pytest.raises(Problem) as no_tax:
            await service.add_invoice_title(session, alice, service.InvoiceTitleIn(kind=0, title="公司"))
        assert no_tax.value.code == "invalid_tax_number"
        # Bob can neither see nor change Alice's rows.
        assert await service.addresses(session, bob) == []
        with pytest.raises(Problem) as foreign:
            await service.change_address(session, bob, home.id, service.AddressIn(**HOME))
        assert foreign.value.code == "address_not_found"
        with pytest.raises(Problem) as foreign_title:
            await service.remove_invoice_title(session, bob, title.id)
        assert foreign_title.value.code == "invoice_title_not_found"
        await service.add_address(session, bob, service.AddressIn(**{**HOME, "user_name": "Bob"}))
    async with database.session() as session:
        moved = await service.change_address(
            session, alice, home.id, service.AddressIn(**{**HOME, "detail": "398号"})
        )
        assert moved.detail == "398号"
        exported = await service.export_address_book(session, alice)
        assert [a["detailInfo"] for a in exported["addresses"]] == ["新港中路398号"]
        assert [t["title"] for t in exported["invoice_titles"]] == ["示例科技有限公司", "张三"]
        assert await service.delete_address_book(session, alice) == {"addresses": 1, "invoice_titles": 2}
    async with database.session() as session:
        assert await service.addresses(session, alice) == []
        assert await service.invoice_titles(session, alice) == []
        assert [a.user_name for a in await service.addresses(session, bob)] == ["Bob"]
        for _ in range(service.MAX_ADDRESSES - 1):
            await service.add_address(session, bob, service.AddressIn(**HOME))
        with pytest.raises(Problem) as full:
            await service.add_address(session, bob, service.AddressIn(**HOME))
        assert full.value.code == "too_many_addresses"


async def _signed_in(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/api/accounts/signup", json={"email": email, "password": "long enough"})
    assert response.status_code == 201, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


@pytest.mark.parametrize("kind", DATABASES)
async def test_api_is_host_only_with_export_and_delete(kind: str, tmp_path: Path) -> None:
    with scratch_database(kind, tmp_path) as url:
        await migrate(url)
        async with platform(settings_for(tmp_path, url)) as (_app, client):
            assert (await client.get("/api/me/addresses")).status_code == 401
            csrf = await _signed_in(client, f"alice-{kind}@example.com")
            headers = {"X-CSRF-Token": csrf}
            no_csrf = await client.post("/api/me/addresses", json=HOME)
            assert no_csrf.status_code == 403
            cross = await client.get("/api/me/addresses", headers={"Sec-Fetch-Site": "cross-site"})
            assert cross.status_code == 403 and cross.json()["code"] == "host_only"
            added = await client.post("/api/me/addresses", json=HOME, headers=headers)
            assert added.status_code == 201, added.text
            address = added.json()
            assert address["wechat"]["detailInfo"] == "新港中路397号" and address["county_name"] == "海珠区"
            changed = await client.put(
                f"/api/me/addresses/{address['id']}",
                json={**HOME, "tel_number": "13800138000"},
                headers=headers,
            )
            assert changed.json()["wechat"]["telNumber"] == "13800138000"
            bad = await client.post("/api/me/addresses", json={**HOME, "tel_number": "?"}, headers=headers)
            assert bad.status_code == 422 and bad.json()["code"] == "invalid_tel_number"
            title = await client.post("/api/me/invoice-titles", json=COMPANY, headers=headers)
            assert title.status_code == 201 and title.json()["wechat"]["type"] == "0"
            assert [t["title"] for t in (await client.get("/api/me/invoice-titles")).json()] == [
                "示例科技有限公司"
            ]

            transport = client._transport
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as bob:
                bob_csrf = await _signed_in(bob, f"bob-{kind}@example.com")
                assert (await bob.get("/api/me/addresses")).json() == []
                stolen = await bob.delete(
                    f"/api/me/addresses/{address['id']}", headers={"X-CSRF-Token": bob_csrf}
                )
                assert stolen.status_code == 404
                wiped = await bob.delete("/api/me/address-book", headers={"X-CSRF-Token": bob_csrf})
                assert wiped.json() == {"deleted": {"addresses": 0, "invoice_titles": 0}}

            export = await client.get("/api/me/address-book/export")
            assert export.headers["content-disposition"] == 'attachment; filename="hutong-address-book.json"'
            document = export.json()
            assert document["user"]["email"] == f"alice-{kind}@example.com"
            assert [a["telNumber"] for a in document["addresses"]] == ["13800138000"]
            assert [t["taxNumber"] for t in document["invoice_titles"]] == ["91440101MA5CXXXX1X"]
            removed = await client.delete(f"/api/me/addresses/{address['id']}", headers=headers)
            assert removed.status_code == 204
            assert (await client.get("/api/me/addresses")).json() == []
            wiped = await client.delete("/api/me/address-book", headers=headers)
            assert wiped.json() == {"deleted": {"addresses": 0, "invoice_titles": 1}}
            assert (await client.get("/api/me/invoice-titles")).json() == []
