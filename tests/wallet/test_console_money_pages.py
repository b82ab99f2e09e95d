"""The console's money pages over HTTP, as a browser posts their forms, on PostgreSQL (the
wallet and payments APIs behind them run on both databases):
balances (pending, available and the fees taken, from the ledger), settlements by day with fee and net,
withdrawals with their state and an owners-only withdraw form (a double submit is one withdrawal),
partner mode (bind a service provider; its sub-merchants and partner orders seen by the provider), and
retrying or closing an ABNORMAL refund by the roles that may refund. Strangers see none of it."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from hutong.server.db import Database
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.payments import ids, reconcile, refunds, settlement
from hutong.server.payments.models import Merchant, Order, Refund
from tests.conftest import on_databases
from tests.payments.test_console_pages import browser_session, notice
from tests.payments.test_money import _balance, _paid_order
from tests.payments.world import new_merchant, pay_world


@on_databases("postgres")
async def test_balances_settlements_withdrawals_partner_and_abnormal_refunds(
    tmp_path: Path, database_url: str, bank: RunningBank
) -> None:
    funding = {
        "funding_sandbox_url": bank.url,
        "funding_sandbox_api_key": bank.api_key,
        "funding_sandbox_webhook_secret": bank.webhook_secret,
    }
    async with (
        pay_world(tmp_path, database_url, **funding) as pw,
        browser_session(pw, "a@example.com") as (
            owner,
            csrf,
        ),
    ):
        w, m = pw.w, pw.merchant
        db: Database = w.app.state.database
        base = f"/console/merchants/{m.mchid}"
        await _paid_order(pw, "T20261206000080", 1880)  # fee 11
        await _paid_order(pw, "T20261206000081", 1000)  # fee 6
        refund = {
            "out_trade_no": "T20261206000080",
            "out_refund_no": "R80",
            "amount": {"refund": 500, "total": 1880},
        }
        assert (await m.call("POST", "/v3/refund/domestic/refunds", refund)).status_code == 200
        async with db.session() as session:
            merchant = await session.scalar(select(Merchant).where(Merchant.mchid == m.mchid))
            assert merchant is not None
            assert await settlement.settle_day(session, merchant, reconcile.beijing_day(ids.now()))
            await session.commit()

        page = await owner.get(f"{base}/balances")
        assert page.status_code == 200, page.text
        assert 'id="pending">¥0.00<' in page.text and 'id="available">¥23.66<' in page.text
        assert 'id="fees">¥0.14<' in page.text and "0.60%" in page.text  # 11 + 6 less 3 on the refund

        page = await owner.get(f"{base}/settlements")
        day = reconcile.beijing_day(ids.now()).isoformat()
        assert re.search(rf'data-day="{day}">.*?class="fee">¥0.14<.*?class="net">¥23.66<', page.text)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
        assert key and 'id="withdraw-form"' in page.text
        form = {"amount": "10.00", "account_number": "6222000011112222333", "idempotency_key": key.group(1)}
        assert (await owner.post(f"{base}/withdrawals", data=form)).status_code == 403  # no CSRF token
        first = notice(await owner.post(f"{base}/withdrawals", data={**form, "csrf_token": csrf}))
        again = notice(await owner.post(f"{base}/withdrawals", data={**form, "csrf_token": csrf}))
        assert first.startswith("withdrawal ") and "of ¥10.00" in first
        assert again.split(":")[0] == first.split(":")[0]  # a double submit: the same withdrawal
        assert await _balance(db, f"merchant_available:{m.mchid}") == 2366 - 1000
        too_much = {**form, "amount": "100.00", "idempotency_key": "console-other-1", "csrf_token": csrf}
        assert "too low" in notice(await owner.post(f"{base}/withdrawals", data=too_much))
        # The marketing account that funds vouchers, from the available balance; a double submit once.
        marketing = re.search(
            r'id="marketing-form">.*?name="idempotency_key" value="([^"]+)"', page.text, re.S
        )
        assert marketing and marketing.group(1) != key.group(1)
        fund = {"amount": "5.00", "idempotency_key": marketing.group(1), "csrf_token": csrf}
        assert notice(await owner.post(f"{base}/marketing", data=fund)) == "marketing account: ¥5.00"
        assert notice(await owner.post(f"{base}/marketing", data=fund)) == "marketing account: ¥5.00"
        assert await _balance(db, f"merchant_available:{m.mchid}") == 2366 - 1000 - 500
        assert 'id="marketing">¥5.00<' in (await owner.get(f"{base}/balances")).text
        listed = await owner.get(f"{base}/settlements")
        reference = first.split(" ")[1]
        assert listed.text.count("data-reference=") == 1 and f'data-reference="{reference}"' in listed.text
        assert "…2333" in listed.text

        # ABNORMAL refunds: retried (still ABNORMAL while the payer's account is gone, SUCCESS once it
        # can take the money) or closed (the money back with the merchant), from the order's page.
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000081"))
            assert order is not None
            payer, order.payer_user_id = order.payer_user_id, None
            await session.commit()
        for number in ("AB1", "AB2"):
            body = {
                "out_trade_no": "T20261206000081",
                "out_refund_no": number,
                "amount": {"refund": 100, "total": 1000},
            }
            assert (await m.call("POST", "/v3/refund/domestic/refunds", body)).status_code == 200
            async with db.session() as session:
                made = await session.scalar(select(Refund).where(Refund.out_refund_no == number))
                assert made is not None
                assert (await refunds.complete(session, made.refund_id)) is not None
                await session.commit()
        order_url = f"{base}/orders/T20261206000081"
        shown = await owner.get(order_url)
        assert shown.text.count(">Retry<") == 2 and shown.text.count(">Close (money back") == 2
        action = {"out_trade_no": "T20261206000081", "csrf_token": csrf}
        retried = notice(await owner.post(f"{base}/refunds/AB1/retry", data=action))
        assert retried == "refund AB1 tried again: ABNORMAL"
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000081"))
            assert order is not None
            order.payer_user_id = payer
            await session.commit()
        wallet_before = await _balance(db, f"user_wallet:{payer}")
        assert notice(await owner.post(f"{base}/refunds/AB1/retry", data=action)) == (
            "refund AB1 tried again: SUCCESS"
        )
        assert await _balance(db, f"user_wallet:{payer}") == wallet_before + 100
        assert "error: " in notice(await owner.post(f"{base}/refunds/AB1/close", data=action))  # not ABNORMAL
        closed = notice(await owner.post(f"{base}/refunds/AB2/close", data=action))
        assert closed.startswith("refund AB2 CLOSED")
        assert await _balance(db, "refunds_clearing") == 500  # R80 still PROCESSING (no worker here)

        # A developer sees the money but may neither withdraw nor act on refunds (the merchant lets
        # owners only refund).
        # (The two 1-yuan refunds came from the available balance: nothing was pending.)
        available = await _balance(db, f"merchant_available:{m.mchid}")
        assert available == 2366 - 1000 - 500 - 200
        async with browser_session(pw, "dev@example.com") as (developer, dev_csrf):
            await w.client.put(
                f"/api/orgs/{pw.org_a}/members",
                json={"email": "dev@example.com", "role": "developer"},
                headers=w.dev_a,
            )
            seen = await developer.get(f"{base}/settlements")
            assert 'id="withdraw-not-allowed"' in seen.text and 'id="withdraw-form"' not in seen.text
            forced = {**form, "idempotency_key": "console-dev-0001", "csrf_token": dev_csrf}
            assert notice(await developer.post(f"{base}/withdrawals", data=forced)).startswith("error: ")
            assert "Close (money back" not in (await developer.get(order_url)).text
            assert "error: " in notice(
                await developer.post(f"{base}/refunds/AB2/retry", data={**action, "csrf_token": dev_csrf})
            )
        assert await _balance(db, f"merchant_available:{m.mchid}") == available

        # Partner mode: a second merchant of the organization becomes this one's service provider and
        # makes a partner order for it; the provider's page lists its sub-merchant and the order.
        provider = await new_merchant(w, w.dev_a, pw.org_a, [w.a1.appid])
        bound = notice(
            await owner.post(
                f"{base}/service-provider", data={"sp_mchid": provider.mchid, "csrf_token": csrf}
            )
        )
        assert bound == f"service provider set to {provider.mchid}"
        partner_body = {
            "sp_appid": w.a1.appid,
            "sp_mchid": provider.mchid,
            "sub_mchid": m.mchid,
            "description": "珍珠奶茶 (partner)",
            "out_trade_no": "P20261206000001",
            "notify_url": "https://sp.example.com/notify",
            "amount": {"total": 1500, "currency": "CNY"},
            "payer": {"sp_openid": pw.openid},
        }
        partner_order = await provider.call("POST", "/v3/pay/partner/transactions/jsapi", partner_body)
        assert partner_order.status_code == 200, partner_order.text
        sp_page = await owner.get(f"/console/merchants/{provider.mchid}/partner")
        assert f'data-sub-mchid="{m.mchid}"' in sp_page.text
        assert 'data-out-trade-no="P20261206000001"' in sp_page.text and "¥15.00" in sp_page.text
        sub_page = await owner.get(f"{base}/partner")
        assert provider.mchid in sub_page.text and "No partner orders." in sub_page.text
        assert "error: " in notice(
            await owner.post(f"{base}/service-provider", data={"sp_mchid": m.mchid, "csrf_token": csrf})
        )  # its own provider

    # Organization B's owner sees none of it and moves nothing.
    async with browser_session(pw, "b@example.com") as (stranger, other_csrf):
        for path in ("balances", "settlements", "partner"):
            assert (await stranger.get(f"{base}/{path}")).status_code == 404
        assert (await stranger.get(f"/console/merchants/{provider.mchid}/partner")).status_code == 404
        sneaky = {**form, "idempotency_key": "console-b-00001", "csrf_token": other_csrf}
        assert notice(await stranger.post(f"{base}/withdrawals", data=sneaky)).startswith("error: ")
