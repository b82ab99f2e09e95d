"""The refund API at WeChat Pay's paths: apply (idempotent on out_refund_no) and query."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hutong.server.deps import database
from hutong.server.payments import refunds
from hutong.server.payments.routes import _plain_http_allowed, _sub_merchant, merchant_caller
from hutong.server.wechatpay import api

router = APIRouter(include_in_schema=False)


@router.post("/v3/refund/domestic/refunds")
async def create_refund(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = call.json()
    sub_mchid = body.get("sub_mchid") if isinstance(body, dict) else None
    provider = merchant if sub_mchid else None
    owner = await _sub_merchant(request, merchant, str(sub_mchid)) if sub_mchid else merchant
    async with database(request).session() as session:
        refund, order = await refunds.create(
            session, owner, provider, body, allow_plain_http=_plain_http_allowed(request)
        )
        answer = refunds.answer(refund, order)
    return await api.answer(request, 200, answer)


@router.get("/v3/refund/domestic/refunds/{out_refund_no}")
async def query_refund(request: Request, out_refund_no: str) -> Response:
    _, merchant = await merchant_caller(request)
    sub_mchid = request.query_params.get("sub_mchid")
    owner = await _sub_merchant(request, merchant, sub_mchid) if sub_mchid else merchant
    async with database(request).session() as session:
        refund, order = await refunds.find(session, owner, out_refund_no)
        answer = refunds.answer(refund, order)
    return await api.answer(request, 200, answer)
