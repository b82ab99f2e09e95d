"""The wallet's own records, on SQLite and PostgreSQL: its history shows what came back (a refund with
its state, a reversed counter payment) with the merchant and mini program, and a merchant owner's
payouts are not in their wallet; the data-rights export has the wallet itself (balance, PIN state but
never its hash, top-ups, withdrawals, history, ledger postings), for a signed-in session only."""

from __future__ import annotations

from pathlib import Path

from hutong.server import outbox
from hutong.server.db import Database
from hutong.server.funding.models import FundingTransfer
from hutong.server.wallet import paycodes
from hutong.server.wallet.models import WalletPin
from tests.payments.test_codepay import code_body
from tests.payments.test_money import _fund, _user_id
from tests.payments.world import pay_world


async def test_history_and_export_show_refunds_reversals_and_the_wallet(
    tmp_path: Path, database_url: str
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid = pw.w, pw.merchant.mchid
        db: Database = w.app.state.database
        user_id = await _user_id(db)
        await _fund(db, user_id, 5000)
        pin = await w.client.put(
            "/api/me/wallet/pin",
            json={"pin": "258036", "password": "long enough"},
            headers={"X-CSRF-Token": w.csrf},
        )
        assert pin.status_code == 204, pin.text
        for number, total in (("C000001", 1880), ("C000002", 990)):
            async with db.session() as session:
                code, _ = await paycodes.issue(session, user_id)
            paid = await pw.merchant.call(
                "POST", "/v3/pay/transactions/codepay", code_body(pw, code, number, total)
            )
            assert paid.status_code == 200, paid.text
        reverse = await pw.merchant.call(
            "POST",
            "/v3/pay/transactions/out-trade-no/C000001/reverse",
            {"appid": w.a1.appid, "mchid": mchid},
        )
        assert reverse.status_code == 204, reverse.text
        refund = await pw.merchant.call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": "C000002",
                "out_refund_no": "R1",
                "reason": "少冰",
                "amount": {"refund": 300, "total": 990, "currency": "CNY"},
            },
        )
        assert refund.status_code == 200, refund.text
        # The merchant owner's payout from the merchant account is recorded under their user id too;
        # it is not the wallet's (this end user stands in for an owner here).
        async with db.session() as session:
            session.add(
                FundingTransfer(
                    reference="PAYOUT-MERCHANT-1",
                    provider="sandbox",
                    kind="payout",
                    account=f"merchant_available:{mchid}",
                    user_id=user_id,
                    client_key="merchant:x",
                    amount_fen=100,
                    party_hint="6789",
                )
            )
            await session.commit()

        history = (await w.client.get("/api/me/wallet/history")).json()
        lines = [(e["kind"], e["amount_fen"], e["state"]) for e in history]
        assert ("refund", 300, "pending") in lines  # PROCESSING: not yet in the wallet
        assert ("reversal", 1880, "succeeded") in lines
        assert ("payment", -1880, "succeeded") in lines and ("payment", -990, "succeeded") in lines
        assert all(e["reference"] != "PAYOUT-MERCHANT-1" for e in history)
        refund_line = next(e for e in history if e["kind"] == "refund")
        assert refund_line["detail"].endswith(" · Tea Shop · 少冰") and refund_line["appid"] == w.a1.appid
        assert refund_line["title"] == "Refund: 门店 珍珠奶茶"
        reversal = next(e for e in history if e["kind"] == "reversal")
        assert reversal["detail"].endswith(" · Tea Shop") and reversal["title"].startswith("Reversed: ")

        worker = outbox.Worker(db, w.app.state.settings, topics={"payments.refund"})
        while await worker.run_once():
            pass
        history = (await w.client.get("/api/me/wallet/history")).json()
        refunds = [(e["kind"], e["state"]) for e in history if e["kind"] == "refund"]
        assert refunds == [("refund", "succeeded")]

        exported = await w.client.get("/api/me/wallet/export")
        assert exported.status_code == 200, exported.text
        assert "attachment" in exported.headers["content-disposition"]
        wallet = exported.json()["wallet"]
        assert wallet["balance_fen"] == 5000 - 990 + 300
        assert wallet["pin"] == {
            "set": True,
            "locked": False,
            "wrong_tries": 0,
            "changed_at": wallet["pin"]["changed_at"],
        }
        async with db.session() as session:
            pin_row = await session.get(WalletPin, user_id)
            assert pin_row is not None
            assert pin_row.pin_hash not in exported.text and "argon2" not in exported.text.lower()
        assert wallet["withdrawals"] == [] and wallet["top_ups"] == []  # funded directly in this test
        assert {e["kind"] for e in wallet["history"]} == {"payment", "refund", "reversal"}
        assert sum(p["amount_fen"] for p in wallet["ledger"]) == wallet["balance_fen"]
        assert any(p["journal_key"].startswith("reverse:") for p in wallet["ledger"])

        # Only the signed-in browser session: not a developer's API token, not a cross-site frame.
        assert (await w.client.get("/api/me/wallet/export", headers=w.dev_a)).status_code in (401, 403)
        framed = await w.client.get("/api/me/wallet/export", headers={"Sec-Fetch-Site": "cross-site"})
        assert framed.status_code == 403
