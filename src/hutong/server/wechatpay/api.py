"""What a /v3 route needs: the calling merchant authenticated from the raw request, and answers (errors
too) signed with the platform key. Domains (payments, coupons) bring their own merchant lookup."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import Response

from hutong.server.db import Database
from hutong.server.wechatpay import auth, responses
from hutong.server.wechatpay.errors import PayError, param_error
from hutong.server.wechatpay.keys import KeyCache, KeyRing
from hutong.server.wechatpay.nonces import NonceStore, make_nonce_store


def install(app: FastAPI, database: Database, redis_url: str | None) -> None:
    app.state.wechatpay_keys = KeyCache(database)
    app.state.wechatpay_nonces = make_nonce_store(redis_url, database)

    @app.exception_handler(PayError)
    async def _pay_error(request: Request, error: PayError) -> Response:
        return responses.signed_error(await key_ring(request), error, request.headers.get("wechatpay-serial"))


async def close(app: FastAPI) -> None:
    nonces: NonceStore = app.state.wechatpay_nonces
    await nonces.close()


async def key_ring(request: Request) -> KeyRing:
    cache: KeyCache = request.app.state.wechatpay_keys
    return await cache.ring()


def path_and_query(request: Request) -> str:
    """The request target exactly as the client sent (and signed) it."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    return raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")


@dataclass(frozen=True)
class Call:
    credentials: auth.Credentials
    body: bytes
    request_serial: str | None

    def json(self) -> Any:
        if not self.body:
            raise param_error("请求体为空 (the body is empty)")
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise param_error("请求体不是合法的 JSON (the body is not JSON)") from error


async def authenticate(
    request: Request, merchant_key: Callable[[str, str], Awaitable[rsa.RSAPublicKey | None]]
) -> Call:
    body = await request.body()
    nonces: NonceStore = request.app.state.wechatpay_nonces
    credentials = await auth.verify(
        request.headers.get("authorization"),
        request.method,
        path_and_query(request),
        body,
        merchant_key,
        nonces,
    )
    return Call(credentials, body, request.headers.get("wechatpay-serial"))


async def answer(
    request: Request, status: int, payload: Any, media_type: str = "application/json"
) -> Response:
    return responses.signed(
        await key_ring(request), status, payload, request.headers.get("wechatpay-serial"), media_type
    )
