"""Console pages for an organization's merchant accounts: create one, its keys (upload a public key or
generate a pair whose private half is shown once), the APIv3 key, bound apps, notify URL rules and who
may refund; orders with search, an order with its refunds and a refund form, the notification log with
every attempt and a resend button, the probe button, and bill downloads.

Every page and form calls the console's JSON API handlers (server/payments/manage_routes.py) in
process, so the role checks, audit records and rate limits live in one place; this module only turns
forms into their bodies and answers into pages."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from hutong.console.routes import SIGN_IN, _back, _form, _page, templates
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import check_csrf, resolve
from hutong.server.accounts.models import ORG_ROLES, User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps import service as apps
from hutong.server.deps import database
from hutong.server.payments import bills, ids, merchants
from hutong.server.payments import manage_routes as api
from hutong.server.payments.models import PAID_STATES, Merchant, Order, Refund
from hutong.server.problems import Problem
from hutong.server.wechatpay.errors import PayError

router = APIRouter(prefix="/console", include_in_schema=False)
# Money on the pages: exact yuan from fen (integer arithmetic, never a float).
templates.env.filters["yuan"] = bills.yuan


def yuan_to_fen(text: str) -> int:
    """ "3", "3.5" or "3.50" yuan as fen, exactly (no float); anything else is refused."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Problem(422, "invalid_amount", "the amount is yuan, like 3.50") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise Problem(422, "invalid_amount", "the amount is more than 0 yuan with at most 2 decimals")
    return int(value * 100)


def _problem_text(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ()))
    return f"{field}: {first.get('msg', 'invalid')}" if field else str(first.get("msg", "invalid"))


async def _signed_in(request: Request, *, post: bool) -> tuple[User | None, str | None]:
    user, csrf = await resolve(request)
    if user is not None and post:
        if csrf is None:  # a bearer token has no business posting console forms
            return None, None
        await check_csrf(request, csrf)
    return user, csrf


async def _do(request: Request, back: str, run: Callable[[User, dict[str, str]], Awaitable[str]]) -> Response:
    """A form post: signed in, CSRF checked, ``run`` called; back to ``back`` with its message."""
    user, _ = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    form = await _form(request)
    try:
        notice = await run(user, form)
    except Problem as problem:
        return _back(back, error=problem.detail)
    except ValidationError as error:
        return _back(back, error=_problem_text(error))
    return _back(back, notice=notice)


async def _role(request: Request, user: User, merchant: dict[str, Any]) -> str | None:
    async with database(request).session() as session:
        return await accounts.role_in(session, user, int(merchant["organization_id"]))


# Merchants of an organization ----------------------------------------------------------------------


@router.get("/orgs/{org_id}/merchants")
async def merchants_page(org_id: int, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    found = await api.list_merchants(request, org_id, user)
    async with database(request).session() as session:
        org = await accounts.get_organization(session, user, org_id)
        role = await accounts.role_in(session, user, org_id)
    return _page(
        request,
        "merchants.html",
        user,
        csrf,
        org=org,
        merchants=found,
        can_manage=allows(role, Action.MANAGE_PAYMENTS),
    )


@router.post("/orgs/{org_id}/merchants")
async def create_merchant(org_id: int, request: Request) -> Response:
    made: dict[str, str] = {}

    async def run(user: User, form: dict[str, str]) -> str:
        merchant = await api.create_merchant(
            request, org_id, api.NewMerchant(name=form.get("name", "")), user
        )
        made["mchid"] = merchant["mchid"]
        return f"merchant {merchant['mchid']} created: now give it a key and an APIv3 key"

    response = await _do(request, f"/console/orgs/{org_id}/merchants", run)
    if "mchid" in made:
        response.headers["location"] = f"/console/merchants/{made['mchid']}?notice=" + "merchant+created"
    return response


# One merchant's settings ---------------------------------------------------------------------------


@router.get("/merchants/{mchid}")
async def merchant_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    role = await _role(request, user, merchant)
    async with database(request).session() as session:
        org_apps = await apps.apps_of_organization(session, user, int(merchant["organization_id"]))
    return _page(
        request,
        "merchant.html",
        user,
        csrf,
        m=merchant,
        role=role,
        roles=ORG_ROLES,
        org_apps=[app for app in org_apps if app.appid not in merchant["appids"]],
        can_manage=allows(role, Action.MANAGE_PAYMENTS),
        yesterday=(date.today() - timedelta(days=1)).isoformat(),
    )


def _merchant_back(mchid: str) -> str:
    return f"/console/merchants/{mchid}"


@router.post("/merchants/{mchid}/public-key")
async def upload_public_key(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body = api.PublicKeyIn(public_key=form.get("public_key", ""))
        answer = await api.set_public_key(request, mchid, body, user)
        return f"public key saved; its certificate serial is {answer['serial_no']}"

    return await _do(request, _merchant_back(mchid), run)


@router.post("/merchants/{mchid}/keypair")
async def generate_keypair(mchid: str, request: Request) -> Response:
    """The new private key is on this one page and kept nowhere, like an AppSecret."""
    user, csrf = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    try:
        issued = await api.generate_keypair(request, mchid, user)
    except Problem as problem:
        return _back(_merchant_back(mchid), error=problem.detail)
    return _page(request, "merchant_secret.html", user, csrf, mchid=mchid, kind="keypair", issued=issued)


@router.post("/merchants/{mchid}/apiv3-key")
async def set_apiv3_key(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    given = (await _form(request)).get("apiv3_key", "").strip()
    try:
        answer = await api.set_apiv3_key(request, mchid, api.ApiV3KeyIn(apiv3_key=given or None), user)
    except Problem as problem:
        return _back(_merchant_back(mchid), error=problem.detail)
    except ValidationError as error:
        return _back(_merchant_back(mchid), error=_problem_text(error))
    if given:
        return _back(_merchant_back(mchid), notice="APIv3 key saved")
    return _page(request, "merchant_secret.html", user, csrf, mchid=mchid, kind="apiv3", issued=answer)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.post("/merchants/{mchid}/rules")
async def set_rules(mchid: str, request: Request) -> Response:
    form_items = await request.form()
    chosen_roles = [value for value in form_items.getlist("refund_roles") if isinstance(value, str)]

    async def run(user: User, form: dict[str, str]) -> str:
        body = api.RulesIn(
            notify_prefixes=_lines(form.get("notify_prefixes", "")),
            refund_roles=chosen_roles,
            platform_key_mode=form.get("platform_key_mode") or None,
        )
        await api.set_rules(request, mchid, body, user)
        return "rules saved"

    return await _do(request, _merchant_back(mchid), run)


@router.post("/merchants/{mchid}/apps")
async def bind_app(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        appid = form.get("appid", "")
        await api.bind_app(request, mchid, appid, user)
        return f"{appid} bound: it may take this merchant's payments"

    return await _do(request, _merchant_back(mchid), run)


@router.post("/merchants/{mchid}/apps/{appid}/unbind")
async def unbind_app(mchid: str, appid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        await api.unbind_app(request, mchid, appid, user)
        return f"{appid} unbound"

    return await _do(request, _merchant_back(mchid), run)


@router.post("/merchants/{mchid}/probe")
async def probe(mchid: str, request: Request) -> Response:
    """The probe button: the report is drawn on the merchant's page."""
    user, csrf = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    url = (await _form(request)).get("url", "")
    try:
        report = await api.probe_endpoint(request, mchid, api.ProbeIn(url=url), user)
    except Problem as problem:
        return _back(_merchant_back(mchid), error=problem.detail)
    except ValidationError as error:
        return _back(_merchant_back(mchid), error=_problem_text(error))
    merchant = await api.get_merchant(request, mchid, user)
    return _page(request, "merchant_probe.html", user, csrf, m=merchant, url=url, report=report)


@router.get("/merchants/{mchid}/bills")
async def download_bill(mchid: str, request: Request) -> Response:
    """A day's trade bill (ALL) or fund-flow bill as the CSV the API hands out, for the browser."""
    user, _ = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    kind = request.query_params.get("kind", "trade")
    try:
        day = bills.bill_day(request.query_params.get("bill_date", ""))
    except PayError as error:
        return _back(_merchant_back(mchid), error=error.message)
    async with database(request).session() as session:
        merchant, _ = await api.merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        if kind == "fundflow":
            content = await bills.fundflow_bill(session, bills.Scope(merchant, None), day, "BASIC")
        else:
            content = await bills.trade_bill(session, bills.Scope(merchant, None), day, "ALL")
    name = f"{mchid}-{kind}-{day.isoformat()}.csv"
    sha1 = hashlib.sha1(content).hexdigest()  # noqa: S324 (WeChat's bill hash is SHA-1)
    if request.query_params.get("show") == "hash":
        # The bill's SHA-1, as the API's hash_value gives it, to check a downloaded copy against.
        merchant_page = await api.get_merchant(request, mchid, user)
        return _page(
            request,
            "merchant_bill.html",
            user,
            None,
            m=merchant_page,
            kind=kind,
            day=day.isoformat(),
            filename=name,
            sha1=sha1,
            size=len(content),
        )
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Bill-SHA1": sha1,
        },
    )


# Orders and refunds --------------------------------------------------------------------------------


@router.get("/merchants/{mchid}/orders")
async def orders_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    q = request.query_params.get("q", "").strip()[:32]
    merchant = await api.get_merchant(request, mchid, user)
    rows = await api.list_orders(request, mchid, user, q=q, limit=100)
    return _page(request, "merchant_orders.html", user, csrf, m=merchant, orders=rows, q=q)


async def _order_and_refunds(
    request: Request, user: User, mchid: str, out_trade_no: str
) -> tuple[dict[str, Any], list[Refund], bool]:
    async with database(request).session() as session:
        merchant, role = await api.merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        order = await session.scalar(
            select(Order).where(Order.merchant_id == merchant.id, Order.out_trade_no == out_trade_no)
        )
        if order is None:
            raise Problem(404, "order_not_found", f"no order {out_trade_no!r}")
        found = list(
            await session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id))
        )
        provider = await session.get(Merchant, order.sp_merchant_id) if order.sp_merchant_id else None
        detail = {
            **api._order_row(order),
            "payer_openid": order.payer_openid,
            "paid_from": order.paid_from,
            "notify_url": order.notify_url,
            "attach": order.attach,
            "service_provider": provider.mchid if provider else None,
        }
        return detail, found, merchants.may_refund(merchant, role)


@router.get("/merchants/{mchid}/orders/{out_trade_no}")
async def order_page(mchid: str, out_trade_no: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    order, refund_rows, may_refund = await _order_and_refunds(request, user, mchid, out_trade_no)
    paid = order["trade_state"] in PAID_STATES
    return _page(
        request,
        "merchant_order.html",
        user,
        csrf,
        m=merchant,
        order=order,
        refunds=[
            {
                "out_refund_no": r.out_refund_no,
                "refund_id": r.refund_id,
                "amount": r.amount,
                "status": r.status,
                "reason": r.reason,
                "by": r.requested_by,
                "created_at": ids.rfc3339(r.created_at),
            }
            for r in refund_rows
        ],
        refundable=order["amount_total"] - order["refunded_total"],
        paid=paid,
        may_refund=may_refund and paid,
        may_act=may_refund,  # close or retry an ABNORMAL refund: the same roles
        # One number per drawn form: a double submit is one refund (out_refund_no is idempotent).
        out_refund_no="HT" + secrets.token_hex(15),
    )


@router.post("/merchants/{mchid}/orders/{out_trade_no}/refund")
async def refund(mchid: str, out_trade_no: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body = api.ConsoleRefundIn(
            out_trade_no=out_trade_no,
            amount=yuan_to_fen(form.get("amount", "")),
            reason=form.get("reason", "").strip(),
            out_refund_no=form.get("out_refund_no") or None,
        )
        answer = await api.console_refund(request, mchid, body, user)
        return f"refund {answer['out_refund_no']} of ¥{body.amount / 100:.2f}: {answer['status']}"

    return await _do(request, f"/console/merchants/{mchid}/orders/{out_trade_no}", run)


# Notifications -----------------------------------------------------------------------------------


@router.get("/merchants/{mchid}/notifications")
async def notifications_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await api.get_merchant(request, mchid, user)
    role = await _role(request, user, merchant)
    log = await api.list_notifications(request, mchid, user, limit=100)
    return _page(
        request,
        "merchant_notifications.html",
        user,
        csrf,
        m=merchant,
        log=log,
        can_manage=allows(role, Action.MANAGE_PAYMENTS),
    )


@router.post("/merchants/{mchid}/notifications/{notify_id}/resend")
async def resend(mchid: str, notify_id: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        await api.resend_notification(request, mchid, notify_id, user)
        return f"notification {notify_id} queued again"

    return await _do(request, f"/console/merchants/{mchid}/notifications", run)
