"""``hutong pay probe URL`` and the console's probe button: send a merchant's notify endpoint what an
attacker or a flaky network would, signed (or not) by the platform key, and report what it wrongly
accepted. A receiver must acknowledge a genuine notification and its duplicate (200/204) and refuse a
stale one, a forged signature, WeChat's SIGNTEST probe and a resource it cannot decrypt."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass

from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.payments import ids
from hutong.server.problems import Problem
from hutong.server.wechatpay import crypto, envelope
from hutong.server.wechatpay.keys import KeyRing
from hutong.server.wechatpay.responses import SIGNATURE_TYPE, serial_for

STALE_SECONDS = 600


@dataclass(frozen=True)
class ProbeResult:
    case: str
    should: str  # "accept" or "refuse"
    status: int | None  # the endpoint's answer; None when it could not be reached
    error: str

    @property
    def accepted(self) -> bool:
        return self.status in (200, 204)

    @property
    def wrong(self) -> bool:
        """True when the endpoint did what it must not (or could not be asked at all)."""
        if self.status is None:
            return True
        return self.accepted != (self.should == "accept")


def _headers(
    ring: KeyRing, body: bytes, public_key_mode: bool, timestamp: str, signature: str | None
) -> dict[str, str]:
    nonce = crypto.new_nonce()
    key = ring.signer
    if signature is None:
        signature = crypto.rsa_sign(key.private_key, crypto.response_message(timestamp, nonce, body.decode()))
    return {
        "Content-Type": "application/json",
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Serial": serial_for(key, public_key_mode),
        "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    }


def _resource(mchid: str, appid: str) -> dict[str, object]:
    now = ids.now()
    return {
        "appid": appid,
        "mchid": mchid,
        "out_trade_no": "HUTONGPROBE" + uuid.uuid4().hex[:12].upper(),
        "transaction_id": ids.new_transaction_id(now),
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": "hutong-probe",
        "success_time": ids.rfc3339(now),
        "payer": {"openid": "o" + uuid.uuid4().hex[:27]},
        "amount": {"total": 1, "payer_total": 1, "currency": "CNY", "payer_currency": "CNY"},
    }


def _envelope(apiv3_key: bytes, mchid: str, appid: str) -> bytes:
    return envelope.body(
        str(uuid.uuid4()),
        ids.rfc3339(ids.now()) or "",
        "TRANSACTION.SUCCESS",
        "支付成功",
        _resource(mchid, appid),
        "transaction",
        apiv3_key,
    )


async def _send(
    url: str, body: bytes, headers: dict[str, str], allow_networks: str
) -> tuple[int | None, str]:
    policy = proxy.Policy(
        origins=proxy.origins([url]),
        networks=parse_networks(allow_networks),
        max_bytes=64 * 1024,
        max_redirects=0,
    )
    try:
        answer = await proxy.forward(proxy.Outgoing(url, "POST", headers, body, 5.0), policy)
    except Problem as problem:
        return None, f"{problem.code}: {problem.detail}"
    return answer.status, answer.body[:200].decode("utf-8", "replace")


async def probe(
    url: str,
    *,
    mchid: str,
    appid: str,
    apiv3_key: str,
    ring: KeyRing,
    public_key_mode: bool,
    allow_networks: str = "",
) -> list[ProbeResult]:
    key = apiv3_key.encode()
    results: list[ProbeResult] = []

    async def case(name: str, should: str, body: bytes, headers: dict[str, str]) -> None:
        status, answer = await _send(url, body, headers, allow_networks)
        results.append(ProbeResult(name, should, status, "" if status is not None else answer))

    now = str(int(time.time()))
    genuine = _envelope(key, mchid, appid)
    genuine_headers = _headers(ring, genuine, public_key_mode, now, None)
    await case("genuine", "accept", genuine, genuine_headers)
    # The same notification again (same id, fresh signature), as WeChat's retries are.
    await case("duplicate", "accept", genuine, _headers(ring, genuine, public_key_mode, now, None))
    stale = _envelope(key, mchid, appid)
    await case(
        "stale",
        "refuse",
        stale,
        _headers(ring, stale, public_key_mode, str(int(time.time()) - STALE_SECONDS), None),
    )
    forged = _envelope(key, mchid, appid)
    impostor = crypto.new_rsa_key()
    forged_headers = _headers(ring, forged, public_key_mode, now, None)
    forged_headers["Wechatpay-Signature"] = crypto.rsa_sign(
        impostor,
        crypto.response_message(
            forged_headers["Wechatpay-Timestamp"], forged_headers["Wechatpay-Nonce"], forged.decode()
        ),
    )
    await case("forged", "refuse", forged, forged_headers)
    signtest = _envelope(key, mchid, appid)
    probe_signature = "WECHATPAY/SIGNTEST/" + base64.b64encode(uuid.uuid4().bytes).decode()
    await case(
        "signtest", "refuse", signtest, _headers(ring, signtest, public_key_mode, now, probe_signature)
    )
    wrong_key = _envelope(ids.new_apiv3_key().encode(), mchid, appid)
    await case("undecryptable", "refuse", wrong_key, _headers(ring, wrong_key, public_key_mode, now, None))
    return results


def report(results: list[ProbeResult]) -> str:
    lines = []
    for result in results:
        answer = str(result.status) if result.status is not None else f"unreachable ({result.error})"
        verdict = "WRONG" if result.wrong else "ok"
        lines.append(f"{verdict:5} {result.case:13} should {result.should:6} answered {answer}")
    return "\n".join(lines)
