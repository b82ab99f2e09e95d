"""The counter-payment API at WeChat Pay's paths: code payment (付款码支付) and reversal (撤销). The
till polls ``GET /v3/pay/transactions/out-trade-no/{no}`` (routes.py) while the payer confirms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hutong.server.deps import database, settings
from hutong.server.payments import codepay
from hutong.server.payments.routes import _plain_http_allowed, merchant_caller
from hutong.server.wechatpay import api

router = APIRouter(include_in_schema=False)


@router.post("/v3/pay/transactions/codepay")
async def submit(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = call.json()
    async with database(request).session() as session:
        order, replayed = await codepay.submit(
            session,
            merchant,
            body,
            platform_pin_free_fen=settings(request).counter_pin_free_fen,
            allow_plain_http=_plain_http_allowed(request),
        )
        status, answer = codepay.answer(order, merchant, replayed)
    # Committed first: a PAYERROR (short balance) is recorded even though the answer is an error.
    return await api.answer(request, status, answer)


@router.post("/v3/pay/transactions/out-trade-no/{out_trade_no}/reverse")
async def reverse(request: Request, out_trade_no: str) -> Response:
    call, merchant = await merchant_caller(request)
    body = call.json()
    async with database(request).session() as session:
        await codepay.reverse(session, merchant, out_trade_no, body)
    return await api.answer(request, 204, None)
