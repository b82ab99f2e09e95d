"""Handlers the outbox tests register (imported by the tests and by `hutong outbox run --import`)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from hutong.server import outbox

# Deliveries seen by the in-process handlers, in order (job ids), and those under way.
delivered: list[int] = []
in_flight: set[int] = set()
overlaps: list[int] = []


@outbox.handler("test.post", schedule=outbox.WECHATPAY_RETRY, timeout=20)
async def post(job: outbox.Job) -> outbox.Outcome:
    """POST the payload to its url, as a notification would go."""
    body = json.dumps({"job": job.id, "attempt": job.attempt}).encode()
    networks = job.settings.egress_allow_networks
    return await outbox.http.post(job.payload["url"], body, allow_networks=networks, seconds=15)


@outbox.handler("test.fails", schedule=outbox.WECHATPAY_RETRY)
async def fails(job: outbox.Job) -> outbox.Outcome:
    return outbox.Outcome.retry(500, b'{"code":"FAIL","message":"busy"}')


@outbox.handler("test.raises")
async def raises(job: outbox.Job) -> outbox.Outcome:
    raise RuntimeError(f"handler broke on try {job.attempt}")


@outbox.handler("test.gives_up")
async def gives_up(job: outbox.Job) -> outbox.Outcome:
    return outbox.Outcome.dead("the order no longer exists")


@outbox.handler("test.count", schedule=outbox.DEFAULT_RETRY)
async def count(job: outbox.Job) -> outbox.Outcome:
    if job.id in in_flight:
        overlaps.append(job.id)
    in_flight.add(job.id)
    try:
        await asyncio.sleep(0.005)
        delivered.append(job.id)
    finally:
        in_flight.discard(job.id)
    return outbox.Outcome.done()


# Periods the periodic test handler ran for (the slot of each job it was given).
slots: list[str] = []


@outbox.periodic("test.daily", every=timedelta(days=1), offset=timedelta(hours=2))
async def daily(job: outbox.Job) -> outbox.Outcome:
    slots.append(job.payload["slot"])
    return outbox.Outcome.done()
