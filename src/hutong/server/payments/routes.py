"""The merchant API at WeChat Pay's paths (/v3/…): every call authenticated by the merchant's signature,
every answer signed by the platform. Errors are ``{code, message}`` with WeChat's statuses."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from hutong.server.deps import database, settings
from hutong.server.payments import bills, merchants, orders
from hutong.server.payments.ids import rfc3339
from hutong.server.payments.models import Merchant, Order
from hutong.server.ratelimit import Limiter
from hutong.server.wechatpay import api, crypto
from hutong.server.wechatpay.errors import PayError, param_error
from hutong.server.wechatpay.keys import KeyRing

router = APIRouter(include_in_schema=False)


async def merchant_caller(request: Request) -> tuple[api.Call, Merchant]:
    """The signing merchant of a v3 call (coupons use it too: one request budget per merchant)."""

    async def key(mchid: str, serial: str) -> rsa.RSAPublicKey | None:
        async with database(request).session() as session:
            return await merchants.request_key(session, mchid, serial)

    call = await api.authenticate(request, key)
    limiter: Limiter = request.app.state.limiter
    wait = await limiter.hit(f"wxpay:{call.credentials.mchid}", settings(request).payments_api_per_minute, 60)
    if wait is not None:
        raise PayError(429, "FREQUENCY_LIMITED", "频率超限 (too many requests; slow down)")
    async with database(request).session() as session:
        merchant = await merchants.by_mchid(session, call.credentials.mchid)
    assert merchant is not None
    return call, merchant


def _plain_http_allowed(request: Request) -> bool:
    # Only where the operator let notifications reach private networks (development and tests).
    return bool(settings(request).egress_allow_networks.strip())


async def _create(request: Request, kind: str) -> Response:
    call, merchant = await merchant_caller(request)
    body = call.json()
    async with database(request).session() as session:
        order = await orders.create(
            session, merchant, kind, body, allow_plain_http=_plain_http_allowed(request)
        )
        answer = {"code_url": order.code_url} if kind == "native" else {"prepay_id": order.prepay_id}
    return await api.answer(request, 200, answer)


@router.post("/v3/pay/transactions/jsapi")
async def jsapi(request: Request) -> Response:
    return await _create(request, "jsapi")


@router.post("/v3/pay/transactions/native")
async def native(request: Request) -> Response:
    return await _create(request, "native")


@router.post("/v3/pay/partner/transactions/jsapi")
async def partner_jsapi(request: Request) -> Response:
    return await _create(request, "partner_jsapi")


def _query_param(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise param_error(f"缺少参数 {name}", name)
    return value


async def _owned(request: Request, merchant: Merchant, partner: bool) -> tuple[Merchant, Merchant | None]:
    """(the merchant whose orders are looked at, its service provider in partner calls)."""
    if not partner:
        if _query_param(request, "mchid") != merchant.mchid:
            raise PayError(400, "MCH_NOT_EXISTS", "mchid 与请求认证的商户号不一致")
        return merchant, None
    if _query_param(request, "sp_mchid") != merchant.mchid:
        raise PayError(400, "MCH_NOT_EXISTS", "sp_mchid 与请求认证的商户号不一致")
    return await _sub_merchant(request, merchant, _query_param(request, "sub_mchid")), merchant


async def _sub_merchant(request: Request, provider: Merchant, sub_mchid: str) -> Merchant:
    async with database(request).session() as session:
        sub = await merchants.by_mchid(session, sub_mchid)
    if sub is None or sub.service_provider_id != provider.id:
        raise PayError(400, "NO_AUTH", "特约商户不属于该服务商")
    return sub


async def _query(request: Request, partner: bool, **number: str) -> Response:
    _, merchant = await merchant_caller(request)
    owner, provider = await _owned(request, merchant, partner)
    async with database(request).session() as session:
        order = await orders.find(session, owner, **number)
        if not partner and order.sp_merchant_id is not None:
            raise orders_not_found()
        body = orders.transaction(order, owner, provider)
    return await api.answer(request, 200, body)


def orders_not_found() -> PayError:
    return PayError(404, "ORDER_NOT_EXIST", "订单不存在")


@router.get("/v3/pay/transactions/out-trade-no/{out_trade_no}")
async def query_by_out_trade_no(request: Request, out_trade_no: str) -> Response:
    return await _query(request, False, out_trade_no=out_trade_no)


@router.get("/v3/pay/transactions/id/{transaction_id}")
async def query_by_transaction_id(request: Request, transaction_id: str) -> Response:
    return await _query(request, False, transaction_id=transaction_id)


@router.get("/v3/pay/partner/transactions/out-trade-no/{out_trade_no}")
async def partner_query_by_out_trade_no(request: Request, out_trade_no: str) -> Response:
    return await _query(request, True, out_trade_no=out_trade_no)


@router.get("/v3/pay/partner/transactions/id/{transaction_id}")
async def partner_query_by_transaction_id(request: Request, transaction_id: str) -> Response:
    return await _query(request, True, transaction_id=transaction_id)


async def _close(request: Request, out_trade_no: str, partner: bool) -> Response:
    call, merchant = await merchant_caller(request)
    body: Any = call.json()
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    provider: Merchant | None = None
    if partner:
        if body.get("sp_mchid") != merchant.mchid:
            raise PayError(400, "MCH_NOT_EXISTS", "sp_mchid 与请求认证的商户号不一致")
        owner = await _sub_merchant(request, merchant, str(body.get("sub_mchid") or ""))
        provider = merchant
    else:
        if body.get("mchid") != merchant.mchid:
            raise PayError(400, "MCH_NOT_EXISTS", "mchid 与请求认证的商户号不一致")
        owner = merchant
    async with database(request).session() as session:
        order: Order = await orders.find(session, owner, out_trade_no=out_trade_no)
        if (order.sp_merchant_id is not None) != (provider is not None):
            raise orders_not_found()
        await orders.close(session, order)
    return await api.answer(request, 204, None)


@router.post("/v3/pay/transactions/out-trade-no/{out_trade_no}/close")
async def close(request: Request, out_trade_no: str) -> Response:
    return await _close(request, out_trade_no, False)


@router.post("/v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close")
async def partner_close(request: Request, out_trade_no: str) -> Response:
    return await _close(request, out_trade_no, True)


@router.get("/v3/certificates")
async def certificates(request: Request) -> Response:
    """The platform certificates, each encrypted under the caller's APIv3 key (associated data
    "certificate"), as WeChat publishes them."""
    _, merchant = await merchant_caller(request)
    async with database(request).session() as session:
        apiv3_key = merchants.apiv3_key(session, merchant)
    if not apiv3_key:
        raise PayError(400, "INVALID_REQUEST", "商户未设置APIv3密钥 (set the APIv3 key first)")
    ring: KeyRing = await api.key_ring(request)
    data = []
    for key in ring.keys:
        nonce, ciphertext = crypto.aes_gcm_encrypt(apiv3_key.encode(), key.certificate_pem, "certificate")
        data.append(
            {
                "serial_no": key.serial_no,
                "effective_time": rfc3339(key.not_before),
                "expire_time": rfc3339(key.not_after),
                "encrypt_certificate": {
                    "algorithm": "AEAD_AES_256_GCM",
                    "nonce": nonce,
                    "associated_data": "certificate",
                    "ciphertext": ciphertext,
                },
            }
        )
    return await api.answer(request, 200, {"data": data})


async def _bill_scope(request: Request, merchant: Merchant) -> bills.Scope:
    sub_mchid = request.query_params.get("sub_mchid")
    if sub_mchid:
        return bills.Scope(await _sub_merchant(request, merchant, sub_mchid), merchant)
    return bills.Scope(merchant, None)


def _download_url(request: Request, token: str) -> str:
    base = (settings(request).wechatpay_api_url or settings(request).public_url).rstrip("/")
    return f"{base}/v3/billdownload/file?token={token}"


async def _bill(request: Request, fundflow: bool) -> Response:
    _, merchant = await merchant_caller(request)
    day = bills.bill_day(_query_param(request, "bill_date"))
    scope = await _bill_scope(request, merchant) if not fundflow else bills.Scope(merchant, None)
    async with database(request).session() as session:
        if fundflow:
            content = await bills.fundflow_bill(
                session, scope, day, request.query_params.get("account_type", "BASIC")
            )
        else:
            content = await bills.trade_bill(
                session, scope, day, request.query_params.get("bill_type", "ALL")
            )
        issued = await bills.issue(session, merchant, content, request.query_params.get("tar_type"))
    answer = {
        "hash_type": "SHA1",
        "hash_value": issued.hash_value,
        "download_url": _download_url(request, issued.token),
    }
    return await api.answer(request, 200, answer)


@router.get("/v3/bill/tradebill")
async def trade_bill(request: Request) -> Response:
    return await _bill(request, fundflow=False)


@router.get("/v3/bill/fundflowbill")
async def fundflow_bill(request: Request) -> Response:
    return await _bill(request, fundflow=True)


@router.get("/v3/billdownload/file")
async def download_bill(request: Request) -> Response:
    """The bill's bytes (gzip when asked for). Like WeChat's, this answer is not signed: the merchant
    checks the file against the hash the signed bill answer gave."""
    _, merchant = await merchant_caller(request)
    async with database(request).session() as session:
        found = await bills.download(session, merchant, _query_param(request, "token"))
    media = "application/octet-stream" if found.gzipped else "text/plain; charset=utf-8"
    return Response(found.content, media_type=media, headers={"Cache-Control": "no-store"})
