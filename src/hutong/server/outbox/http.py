"""Deliver a job over HTTP through the egress address checks (server/egress/): no private, loopback or
metadata address unless the operator's HUTONG_EGRESS_ALLOW_NETWORKS allows it, no redirects, a size
and time limit. The answer becomes an Outcome: a success status is done, anything else a retry."""

from __future__ import annotations

from collections.abc import Collection

from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.outbox.registry import Outcome
from hutong.server.problems import Problem

MAX_BYTES = 64 * 1024
# Refusals that no retry can cure: the address is not one the platform may reach.
PERMANENT = frozenset({"egress_address_refused", "egress_domain_not_allowed", "egress_invalid_url"})


async def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    allow_networks: str = "",
    seconds: float = 5.0,
    success: Collection[int] = (200, 204),
) -> Outcome:
    """POST ``body`` to ``url`` within ``seconds``; done when the status is in ``success`` (WeChat Pay:
    200 or 204)."""
    policy = proxy.Policy(
        origins=proxy.origins([url]),
        networks=parse_networks(allow_networks),
        max_bytes=MAX_BYTES,
        max_redirects=0,
    )
    given = headers or {}
    sent = {
        **({} if any(k.lower() == "content-type" for k in given) else {"Content-Type": "application/json"}),
        **given,
    }
    outgoing = proxy.Outgoing(url, "POST", sent, body, seconds)
    try:
        answer = await proxy.forward(outgoing, policy)
    except Problem as problem:
        if problem.code in PERMANENT:
            return Outcome.dead(f"{problem.code}: {problem.detail}")
        return Outcome.retry(reason=f"{problem.code}: {problem.detail}")
    if answer.status in success:
        return Outcome.done(answer.status, answer.body)
    return Outcome.retry(answer.status, answer.body)
