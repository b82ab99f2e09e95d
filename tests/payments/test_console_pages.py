"""The console's merchant pages over HTTP, as a browser posts their forms, on PostgreSQL (the
payments APIs behind them run on both databases):
create a merchant, its key pair (the private key on one page only), an uploaded public key and its
serial, the APIv3 key, bound apps, rules; orders with search, an order's refunds by role with a reason
(a double submit is one refund), the notification log with its attempts and resend, the probe report,
and a bill download. Strangers see nothing and forms need the CSRF token."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from hutong.console.payments import yuan_to_fen
from hutong.server import outbox
from hutong.server.payments import ids
from hutong.server.problems import Problem
from hutong.server.wechatpay import crypto
from tests.conftest import on_databases
from tests.payments.receiver import receiver
from tests.payments.test_money import LOOPBACK, _balance, _paid_order
from tests.payments.world import PayWorld, pay_world

PASSWORD = "long enough"


@asynccontextmanager
async def browser_session(pw: PayWorld, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A signed-in browser: the session cookie and the CSRF token its pages carry."""
    transport = httpx.ASGITransport(app=pw.w.app, client=("127.0.0.1", 4343))
    async with httpx.AsyncClient(transport=transport, base_url=str(pw.w.client.base_url)) as client:
        signed = await client.post("/api/accounts/signin", json={"email": email, "password": PASSWORD})
        if signed.status_code != 200:  # not signed up yet
            signed = await client.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})
        assert signed.status_code in (200, 201), signed.text
        yield client, str(signed.json()["csrf_token"])


def notice(response: httpx.Response) -> str:
    """Where a form's redirect goes, with its message."""
    assert response.status_code == 303, response.text
    return httpx.URL(response.headers["location"]).params.get("notice") or (
        "error: " + (httpx.URL(response.headers["location"]).params.get("error") or "")
    )


def test_yuan_to_fen_is_exact() -> None:
    assert [yuan_to_fen(text) for text in ("3", "3.5", "0.01", "18.80", " 19.9 ")] == [
        300,
        350,
        1,
        1880,
        1990,
    ]
    for bad in ("", "abc", "0", "-1", "1.234", "NaN", "Infinity", "1e3x"):
        with pytest.raises(Problem):
            yuan_to_fen(bad)


@on_databases("postgres")
async def test_merchant_settings_pages(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw, browser_session(pw, "a@example.com") as (owner, csrf):
        org = await owner.get(f"/console/orgs/{pw.org_a}")
        assert f'href="/console/orgs/{pw.org_a}/merchants"' in org.text
        listing = await owner.get(f"/console/orgs/{pw.org_a}/merchants")
        assert pw.merchant.mchid in listing.text and "Create merchant" in listing.text

        refused = await owner.post(f"/console/orgs/{pw.org_a}/merchants", data={"name": "Milk Bar"})
        assert refused.status_code == 403  # no CSRF token
        made = await owner.post(
            f"/console/orgs/{pw.org_a}/merchants", data={"name": "Milk Bar", "csrf_token": csrf}
        )
        assert made.status_code == 303
        page_url = made.headers["location"].split("?")[0]
        mchid = page_url.rsplit("/", 1)[1]
        page = await owner.get(page_url)
        assert "Milk Bar" in page.text and "no key yet" in page.text and "not set" in page.text

        # A generated pair: the private key on this one page; the merchant page shows only the serial.
        pair = await owner.post(f"{page_url}/keypair", data={"csrf_token": csrf})
        assert pair.status_code == 200
        serial = re.search(r'id="serial-no">([0-9A-F]+)<', pair.text)
        private = re.search(r'id="private-key" class="secret">([^<]+)<', pair.text)
        assert serial and private and "BEGIN PRIVATE KEY" in private.group(1)
        page = await owner.get(page_url)
        assert serial.group(1) in page.text and "PRIVATE KEY" not in page.text

        # An uploaded public key replaces it; junk is refused with a message.
        assert notice(
            await owner.post(f"{page_url}/public-key", data={"public_key": "junk", "csrf_token": csrf})
        ).startswith("error: ")
        public = crypto.public_pem(crypto.new_rsa_key().public_key())
        saved = notice(
            await owner.post(f"{page_url}/public-key", data={"public_key": public, "csrf_token": csrf})
        )
        new_serial = saved.rsplit(" ", 1)[1]
        assert saved.startswith("public key saved") and new_serial != serial.group(1)
        assert new_serial in (await owner.get(page_url)).text

        # The APIv3 key: a made one is shown once; a given one must be 32 letters and digits.
        shown = await owner.post(f"{page_url}/apiv3-key", data={"apiv3_key": "", "csrf_token": csrf})
        key = re.search(r'id="apiv3-key" class="secret">([A-Za-z0-9]{32})<', shown.text)
        assert key
        assert "error" in notice(
            await owner.post(f"{page_url}/apiv3-key", data={"apiv3_key": "short", "csrf_token": csrf})
        )
        assert notice(
            await owner.post(f"{page_url}/apiv3-key", data={"apiv3_key": "B" * 32, "csrf_token": csrf})
        ) == ("APIv3 key saved")
        assert key.group(1) not in (await owner.get(page_url)).text

        # Bind and unbind an app; rules with roles as checkboxes.
        assert notice(
            await owner.post(f"{page_url}/apps", data={"appid": pw.w.a2.appid, "csrf_token": csrf})
        ).endswith("may take this merchant's payments")
        assert notice(
            await owner.post(f"{page_url}/apps", data={"appid": pw.w.b1.appid, "csrf_token": csrf})
        ).startswith("error: ")  # another organization's app
        rules = {
            "notify_prefixes": "https://milk.example.com/pay/\nhttps://backup.example.com/",
            "refund_roles": ["owner", "developer"],
            "platform_key_mode": "certificate",
            "csrf_token": csrf,
        }
        assert notice(await owner.post(f"{page_url}/rules", data=rules)) == "rules saved"
        described = (await pw.w.client.get(f"/api/merchants/{mchid}", headers=pw.w.dev_a)).json()
        assert described["appids"] == [pw.w.a2.appid]
        assert described["refund_roles"] == ["developer", "owner"]
        assert described["notify_prefixes"] == [
            "https://milk.example.com/pay/",
            "https://backup.example.com/",
        ]
        assert described["platform_key_mode"] == "certificate" and described["serial_no"] == new_serial
        bad_rules = {**rules, "notify_prefixes": "ftp://x", "csrf_token": csrf}
        assert notice(await owner.post(f"{page_url}/rules", data=bad_rules)).startswith("error: ")
        await owner.post(f"{page_url}/apps/{pw.w.a2.appid}/unbind", data={"csrf_token": csrf})
        assert (await pw.w.client.get(f"/api/merchants/{mchid}", headers=pw.w.dev_a)).json()["appids"] == []

    # Organization B's owner sees none of it, and cannot change it.
    async with browser_session(pw, "b@example.com") as (stranger, other_csrf):
        assert (await stranger.get(page_url)).status_code == 404
        assert (await stranger.get(f"{page_url}/orders")).status_code == 404
        sneaky = await stranger.post(f"{page_url}/keypair", data={"csrf_token": other_csrf})
        assert sneaky.status_code == 303 and "error=" in sneaky.headers["location"]


@on_databases("postgres")
async def test_orders_refunds_notifications_probe_and_bills(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw,
        browser_session(pw, "a@example.com") as (owner, csrf),
    ):
        w, mchid = pw.w, pw.merchant.mchid
        db = w.app.state.database
        with receiver(lambda headers, body: (204, b"")) as endpoint:
            await _paid_order(pw, "T20261206000070", notify_url=endpoint.url)
            await _paid_order(pw, "T20261206000071", total=990, notify_url=endpoint.url)
            base = f"/console/merchants/{mchid}"

            listing = await owner.get(f"{base}/orders")
            assert listing.text.count('data-out-trade-no="T2026120600007') == 2
            found = await owner.get(f"{base}/orders", params={"q": "T20261206000071"})
            assert found.text.count("data-out-trade-no=") == 1 and "¥9.90" in found.text
            assert "No order starts with" in (await owner.get(f"{base}/orders", params={"q": "ZZ"})).text

            order_url = f"{base}/orders/T20261206000070"
            order = await owner.get(order_url)
            assert 'id="trade-state">SUCCESS<' in order.text and "¥18.80" in order.text
            number = re.search(r'name="out_refund_no" value="([^"]+)"', order.text)
            assert number
            refund = {
                "amount": "3.00",
                "reason": "少冰",
                "out_refund_no": number.group(1),
                "csrf_token": csrf,
            }
            assert notice(
                await owner.post(f"{order_url}/refund", data={**refund, "amount": "1.234"})
            ).startswith("error: ")
            assert notice(await owner.post(f"{order_url}/refund", data={**refund, "reason": ""})).startswith(
                "error: "
            )
            first = notice(await owner.post(f"{order_url}/refund", data=refund))
            again = notice(await owner.post(f"{order_url}/refund", data=refund))  # a double submit
            assert first.startswith(f"refund {number.group(1)} of ¥3.00") and again == first
            assert await _balance(db, f"merchant_pending:{mchid}") == 1880 + 990 - 300
            too_much = {**refund, "amount": "15.81", "out_refund_no": "OTHER1"}
            assert "error: " in notice(await owner.post(f"{order_url}/refund", data=too_much))
            order = await owner.get(order_url)
            assert order.text.count("data-out-refund-no=") == 1 and "少冰" in order.text
            assert "Up to ¥15.80 more" in order.text

            # A developer sees orders but may not refund until the owner allows the role.
            async with browser_session(pw, "dev@example.com") as (developer, dev_csrf):
                await w.client.put(
                    f"/api/orgs/{pw.org_a}/members",
                    json={"email": "dev@example.com", "role": "developer"},
                    headers=w.dev_a,
                )
                seen = await developer.get(order_url)
                assert 'id="refund-not-allowed"' in seen.text and 'id="refund-form"' not in seen.text
                forced = {**refund, "out_refund_no": "DEV1", "csrf_token": dev_csrf}
                assert "may not refund" in notice(await developer.post(f"{order_url}/refund", data=forced))
                assert "Generate a key pair" not in (await developer.get(base)).text

            # The notification log: pending, then delivered with its answer; resend once finished.
            log = await owner.get(f"{base}/notifications")
            assert log.text.count("TRANSACTION.SUCCESS") == 2 and "Resend" not in log.text
            worker = outbox.Worker(db, w.app.state.settings, topics={"payments.notify"})
            while await worker.run_once():
                pass
            log = await owner.get(f"{base}/notifications")
            assert log.text.count("HTTP 204") >= 2 and log.text.count(">Resend<") >= 2
            notify_id = re.search(r'data-notify-id="([^"]+)"', log.text)
            assert notify_id
            before = len(endpoint.received)
            resent = await owner.post(
                f"{base}/notifications/{notify_id.group(1)}/resend", data={"csrf_token": csrf}
            )
            assert notice(resent) == f"notification {notify_id.group(1)} queued again"
            while await worker.run_once():
                pass
            assert len(endpoint.received) == before + 1

            # The probe button: this endpoint accepts everything, so the report lists what it got wrong.
            report = await owner.post(f"{base}/probe", data={"url": endpoint.url, "csrf_token": csrf})
            assert report.status_code == 200
            assert "wrongly handled: stale, forged, signtest, undecryptable" in report.text

            # The day's trade bill as a file, the next day: backtick-prefixed fields, amounts in yuan.
            today = ids.now().astimezone(ids.BEIJING).date().isoformat()
            not_yet = await owner.get(f"{base}/bills", params={"bill_date": today})
            assert "a+day%27s+bill+is+ready+the+day+after" in not_yet.headers["location"].replace("%20", "+")
            tomorrow = ids.now() + timedelta(days=1)
            monkeypatch.setattr(ids, "now", lambda: tomorrow)
            bill = await owner.get(f"{base}/bills", params={"bill_date": today, "kind": "trade"})
            assert bill.status_code == 200 and bill.headers["content-type"].startswith("text/csv")
            assert "attachment" in bill.headers["content-disposition"]
            assert "`T20261206000070" in bill.text and "`18.80" in bill.text
            flow = await owner.get(f"{base}/bills", params={"bill_date": today, "kind": "fundflow"})
            assert flow.status_code == 200 and "`18.80" in flow.text
            # Its SHA-1 on a page of its own, the same as the API's hash_value and the download's.
            shown = await owner.get(
                f"{base}/bills", params={"bill_date": today, "kind": "trade", "show": "hash"}
            )
            sha1 = re.search(r'id="bill-sha1">([0-9a-f]{40})<', shown.text)
            assert sha1 and sha1.group(1) == bill.headers["x-bill-sha1"]
            assert sha1.group(1) == hashlib.sha1(bill.content).hexdigest()
            signed = await pw.merchant.call("GET", f"/v3/bill/tradebill?bill_date={today}&bill_type=ALL")
            assert signed.status_code == 200 and signed.json()["hash_value"] == sha1.group(1)
