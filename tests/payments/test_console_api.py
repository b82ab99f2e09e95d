"""The console's payment API on SQLite and PostgreSQL: orders with search, refunds only by the roles the
merchant allows and always with a reason, the notification log with every attempt, resend, and the
probe button."""

from __future__ import annotations

from pathlib import Path

from hutong.server import outbox
from hutong.server.db import Database
from tests.payments.receiver import receiver
from tests.payments.test_money import LOOPBACK, _balance, _paid_order
from tests.payments.world import pay_world
from tests.platform.apiclient import token_for


async def test_console_orders_refunds_and_notifications(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
        w, mchid = pw.w, pw.merchant.mchid
        db: Database = w.app.state.database
        with receiver(lambda headers, body: (200, b"")) as endpoint:
            _, user_id = await _paid_order(pw, "T20261206000040", notify_url=endpoint.url)
            dev = await token_for(w.client, "dev@example.com")
            await w.client.put(
                f"/api/orgs/{pw.org_a}/members",
                json={"email": "dev@example.com", "role": "developer"},
                headers=w.dev_a,
            )
            stranger = await token_for(w.client, "stranger@example.com")

            orders = await w.client.get(f"/api/merchants/{mchid}/orders?q=T2026120600004", headers=dev)
            assert orders.status_code == 200 and [o["out_trade_no"] for o in orders.json()] == [
                "T20261206000040"
            ]
            assert orders.json()[0]["trade_state"] == "SUCCESS" and orders.json()[0]["amount_total"] == 1880
            assert (await w.client.get(f"/api/merchants/{mchid}/orders?q=NOPE", headers=dev)).json() == []
            assert (await w.client.get(f"/api/merchants/{mchid}/orders", headers=stranger)).status_code == 404

            refund = {
                "out_trade_no": "T20261206000040",
                "amount": 300,
                "reason": "少冰",
                "out_refund_no": "CONSOLE1",
            }
            forbidden = await w.client.post(f"/api/merchants/{mchid}/refunds", json=refund, headers=dev)
            assert forbidden.status_code == 403 and forbidden.json()["code"] == "refund_forbidden"
            no_reason = await w.client.post(
                f"/api/merchants/{mchid}/refunds", json={**refund, "reason": ""}, headers=w.dev_a
            )
            assert no_reason.status_code == 422
            made = await w.client.post(f"/api/merchants/{mchid}/refunds", json=refund, headers=w.dev_a)
            assert made.status_code == 201, made.text
            again = await w.client.post(f"/api/merchants/{mchid}/refunds", json=refund, headers=w.dev_a)
            assert again.json()["refund_id"] == made.json()["refund_id"]  # a double submit is one refund
            # Without an out_refund_no, an Idempotency-Key names the refund: replayed, never doubled.
            keyed = {k: v for k, v in refund.items() if k != "out_refund_no"} | {"amount": 50}
            key = {**w.dev_a, "Idempotency-Key": "console-refund-0001"}
            first = await w.client.post(f"/api/merchants/{mchid}/refunds", json=keyed, headers=key)
            second = await w.client.post(f"/api/merchants/{mchid}/refunds", json=keyed, headers=key)
            assert first.status_code == 201 and second.json()["refund_id"] == first.json()["refund_id"]
            other = await w.client.post(
                f"/api/merchants/{mchid}/refunds", json={**keyed, "amount": 60}, headers=key
            )
            assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
            assert await _balance(db, f"merchant_pending:{mchid}") == 1880 - 300 - 50
            too_much = {**refund, "amount": 1531, "out_refund_no": "CONSOLE2"}
            refused = await w.client.post(f"/api/merchants/{mchid}/refunds", json=too_much, headers=w.dev_a)
            assert refused.status_code == 409 and refused.json()["code"] == "refund_refused"
            # The owner lets developers refund; now the developer may.
            await w.client.patch(
                f"/api/merchants/{mchid}", json={"refund_roles": ["owner", "developer"]}, headers=w.dev_a
            )
            allowed = await w.client.post(
                f"/api/merchants/{mchid}/refunds",
                json={**refund, "amount": 100, "out_refund_no": "CONSOLE3"},
                headers=dev,
            )
            assert allowed.status_code == 201
            assert await _balance(db, f"merchant_pending:{mchid}") == 1880 - 400 - 50

            log = await w.client.get(f"/api/merchants/{mchid}/notifications", headers=dev)
            assert [(n["event_type"], n["state"], n["attempts"]) for n in log.json()] == [
                ("TRANSACTION.SUCCESS", "pending", [])
            ]
            notify_id = log.json()[0]["id"]
            busy = await w.client.post(
                f"/api/merchants/{mchid}/notifications/{notify_id}/resend", headers=w.dev_a
            )
            assert busy.status_code == 409
            assert await outbox.Worker(db, w.app.state.settings, topics={"payments.notify"}).run_once() == 1
            log = await w.client.get(f"/api/merchants/{mchid}/notifications", headers=dev)
            entry = log.json()[0]
            assert entry["state"] == "done" and [a["status"] for a in entry["attempts"]] == [200]
            assert (
                await w.client.post(f"/api/merchants/{mchid}/notifications/{notify_id}/resend", headers=dev)
            ).status_code == 403
            resent = await w.client.post(
                f"/api/merchants/{mchid}/notifications/{notify_id}/resend", headers=w.dev_a
            )
            assert resent.status_code == 202
            assert await outbox.Worker(db, w.app.state.settings, topics={"payments.notify"}).run_once() == 1
            assert len(endpoint.received) == 2

            # The probe button: this endpoint accepts everything, so four cases are wrong.
            probed = await w.client.post(
                f"/api/merchants/{mchid}/probe", json={"url": endpoint.url}, headers=w.dev_a
            )
            assert probed.status_code == 200
            assert probed.json()["wrong"] == ["stale", "forged", "signtest", "undecryptable"]
        del user_id
