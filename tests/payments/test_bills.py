"""Trade and fund-flow bills on SQLite and PostgreSQL: WeChat's CSV (backticks, yuan, refund rows, the
summary last), the SHA-1 of the plain file, gzip when asked, a download link for the caller only and
for 5 minutes, today's bill not yet made."""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from hutong.server.db import Database
from hutong.server.payments import ids
from hutong.server.payments.bills import yuan
from hutong.server.payments.models import Order, Refund
from tests.payments.world import jsapi_body, new_merchant, pay_world


def test_yuan_is_exact() -> None:
    assert [yuan(n) for n in (1990, 980, 1, 0, 100_000_000_01, -5)] == [
        "19.90",
        "9.80",
        "0.01",
        "0.00",
        "100000000.01",
        "-0.05",
    ]


async def test_trade_and_fundflow_bills(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        m = pw.merchant
        yesterday = (datetime.now(ids.BEIJING) - timedelta(days=1)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        for number, total in (("B20261205000001", 1990), ("B20261205000002", 980)):
            made = await m.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, number, total))
            assert made.status_code == 200
        # Paid yesterday (the payment path itself is tested elsewhere); one refunded in part.
        async with Database(database_url).session() as session:
            await session.execute(
                update(Order).values(trade_state="SUCCESS", success_time=yesterday, paid_from="user_wallet:1")
            )
            first = await session.scalar(select(Order).where(Order.out_trade_no == "B20261205000001"))
            assert first is not None
            session.add(
                Refund(
                    refund_id="50000000012026120500000001",
                    order_id=first.id,
                    merchant_id=first.merchant_id,
                    out_refund_no="R1",
                    amount=500,
                    status="SUCCESS",
                    request_hash="x",
                    success_time=yesterday + timedelta(hours=2),
                )
            )
        day = yesterday.date().isoformat()
        bill = await m.call("GET", f"/v3/bill/tradebill?bill_date={day}&bill_type=ALL")
        assert bill.status_code == 200, bill.text
        answer = bill.json()
        assert answer["hash_type"] == "SHA1" and answer["download_url"].startswith(
            "http://127.0.0.1:8000/v3/billdownload/file?token="
        )
        target = answer["download_url"].split("8000", 1)[1]
        downloaded = await m.client.get(target, headers={"Authorization": m.authorization("GET", target, "")})
        assert downloaded.status_code == 200
        content = downloaded.content
        assert hashlib.sha1(content).hexdigest() == answer["hash_value"]
        lines = content.decode().split("\r\n")
        assert lines[0].startswith("交易时间,公众账号ID,商户号") and lines[-1] == ""
        rows = lines[1:-3]
        assert len(rows) == 3 and all(field.startswith("`") for row in rows for field in row.split(","))
        assert [row.split(",")[9] for row in rows] == ["`SUCCESS", "`SUCCESS", "`REFUND"]
        assert rows[0].split(",")[12] == "`19.90" and rows[2].split(",")[16] == "`5.00"
        assert (
            lines[-3]
            == "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
        )
        assert lines[-2] == "`3,`29.70,`5.00,`0.00,`0.00000,`29.70,`5.00"

        # Gzip when asked; the hash is still of the plain bill.
        zipped = (
            await m.call("GET", f"/v3/bill/tradebill?bill_date={day}&bill_type=SUCCESS&tar_type=GZIP")
        ).json()
        target = zipped["download_url"].split("8000", 1)[1]
        got = await m.client.get(target, headers={"Authorization": m.authorization("GET", target, "")})
        plain = gzip.decompress(got.content)
        assert hashlib.sha1(plain).hexdigest() == zipped["hash_value"] and plain.count(b"`SUCCESS") == 2

        # Another merchant cannot use the link; after 5 minutes nobody can.
        other = await new_merchant(pw.w, pw.w.dev_a, pw.org_a, [])
        theirs = await other.client.get(
            target, headers={"Authorization": other.authorization("GET", target, "")}
        )
        assert theirs.status_code == 404
        later = ids.now() + timedelta(minutes=6)
        monkeypatch.setattr(ids, "now", lambda: later)
        expired = await m.client.get(target, headers={"Authorization": m.authorization("GET", target, "")})
        assert expired.status_code == 400 and expired.json()["code"] == "INVALID_REQUEST"
        monkeypatch.undo()

        fund = (await m.call("GET", f"/v3/bill/fundflowbill?bill_date={day}")).json()
        target = fund["download_url"].split("8000", 1)[1]
        fund_lines = (
            (await m.client.get(target, headers={"Authorization": m.authorization("GET", target, "")}))
            .content.decode()
            .split("\r\n")
        )
        assert fund_lines[0].startswith("记账时间,微信支付业务单号,资金流水单号")
        balances = [line.split(",")[7] for line in fund_lines[1:4]]
        assert balances == ["`19.90", "`29.70", "`24.70"]
        assert fund_lines[-2] == "`3,`2,`29.70,`1,`5.00"

        today = datetime.now(ids.BEIJING).date().isoformat()
        creating = await m.call("GET", f"/v3/bill/tradebill?bill_date={today}")
        assert creating.status_code == 400 and creating.json()["code"] == "STATEMENT_CREATING"
        before = (yesterday - timedelta(days=1)).date().isoformat()
        empty = await m.call("GET", f"/v3/bill/tradebill?bill_date={before}")
        assert empty.status_code == 400 and empty.json()["code"] == "NO_STATEMENT_EXIST"
        bad = await m.call("GET", "/v3/bill/tradebill?bill_date=2026-13-01")
        assert bad.status_code == 400 and bad.json()["code"] == "PARAM_ERROR"
