"""Console pages for a merchant's money and partner mode: balances (pending, available, the fees the
platform took: all from the ledger), settlements by day with their fee and net, withdrawals with their
state and a withdraw form (owners), partner mode (the merchant's service provider, its sub-merchants
and the partner orders it took as a service provider), and closing or retrying an ABNORMAL refund.

Like console/payments.py, every page and form calls the JSON API's handlers in process
(server/payments/settlement_routes.py, manage_routes.py), so role checks, audit records and
idempotency are the API's own; this module turns forms into bodies and answers into pages."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hutong.console.payments import _do, _role, _signed_in, yuan_to_fen
from hutong.console.routes import SIGN_IN, _page
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.payments import manage_routes as api
from hutong.server.payments import settlement_routes as money
from hutong.server.problems import Problem

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/merchants/{mchid}/balances")
async def balances_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    found = await money.balances(request, mchid, user)
    return _page(request, "merchant_balances.html", user, csrf, m=merchant, b=found)


@router.get("/merchants/{mchid}/settlements")
async def settlements_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    found = await money.balances(request, mchid, user)
    role = await _role(request, user, merchant)
    return _page(
        request,
        "merchant_settlements.html",
        user,
        csrf,
        m=merchant,
        b=found,
        can_manage=allows(role, Action.MANAGE_PAYMENTS),
        # One key per drawn form: a double submit (or a retry after a lost answer) is one withdrawal.
        idempotency_key="console-" + secrets.token_hex(12),
        marketing_key="console-" + secrets.token_hex(12),
    )


@router.post("/merchants/{mchid}/marketing")
async def fund_marketing(mchid: str, request: Request) -> Response:
    """Available money to the marketing account that funds the merchant's vouchers (coupons/budget.py)."""

    async def run(user: User, form: dict[str, str]) -> str:
        body = money.MarketingIn(amount_fen=yuan_to_fen(form.get("amount", "")))
        answer = await money.fund_marketing(request, mchid, body, user, form.get("idempotency_key") or None)
        return f"marketing account: ¥{answer['marketing_fen'] / 100:.2f}"

    return await _do(request, f"/console/merchants/{mchid}/settlements", run)


@router.post("/merchants/{mchid}/withdrawals")
async def withdraw(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body = money.WithdrawIn(
            amount_fen=yuan_to_fen(form.get("amount", "")),
            account_number=form.get("account_number", "").strip(),
        )
        key = form.get("idempotency_key", "")
        answer = await money.withdraw(request, mchid, body, user, key or None)
        return f"withdrawal {answer['reference']} of ¥{body.amount_fen / 100:.2f}: {answer['state']}"

    return await _do(request, f"/console/merchants/{mchid}/settlements", run)


@router.get("/merchants/{mchid}/partner")
async def partner_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    found = await api.partner(request, mchid, user)
    role = await _role(request, user, merchant)
    return _page(
        request,
        "merchant_partner.html",
        user,
        csrf,
        m=merchant,
        p=found,
        can_manage=allows(role, Action.MANAGE_PAYMENTS),
    )


@router.post("/merchants/{mchid}/service-provider")
async def set_service_provider(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        sp_mchid = form.get("sp_mchid", "").strip() or None
        await api.set_service_provider(request, mchid, api.ServiceProviderIn(sp_mchid=sp_mchid), user)
        return f"service provider set to {sp_mchid}" if sp_mchid else "no service provider any more"

    return await _do(request, f"/console/merchants/{mchid}/partner", run)


async def _abnormal(request: Request, mchid: str, out_refund_no: str, retry: bool) -> Response:
    out_trade_no = (await request.form()).get("out_trade_no")
    back = f"/console/merchants/{mchid}/orders/{quote(str(out_trade_no or ''), safe='')}"

    async def run(user: User, form: dict[str, str]) -> str:
        if retry:
            answer = await api.retry_abnormal_refund(request, mchid, out_refund_no, user)
            return f"refund {out_refund_no} tried again: {answer['status']}"
        answer = await api.close_abnormal_refund(request, mchid, out_refund_no, user)
        return f"refund {out_refund_no} {answer['status']}: the money is back with the merchant"

    if not out_trade_no:
        raise Problem(422, "out_trade_no_missing", "the form names the refund's order")
    return await _do(request, back, run)


@router.post("/merchants/{mchid}/refunds/{out_refund_no}/close")
async def close_refund(mchid: str, out_refund_no: str, request: Request) -> Response:
    return await _abnormal(request, mchid, out_refund_no, retry=False)


@router.post("/merchants/{mchid}/refunds/{out_refund_no}/retry")
async def retry_refund(mchid: str, out_refund_no: str, request: Request) -> Response:
    return await _abnormal(request, mchid, out_refund_no, retry=True)
