"""WeChat Pay v3's error shape: an HTTP status and ``{"code", "message"}`` (never problem JSON on /v3),
so that merchants' SDKs read our errors unchanged."""

from __future__ import annotations

from typing import Any


class PayError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail:
            body["detail"] = self.detail
        return body


def param_error(message: str, field: str | None = None) -> PayError:
    detail = {"field": field, "location": "body"} if field else None
    return PayError(400, "PARAM_ERROR", message, detail)


def sign_error(message: str) -> PayError:
    return PayError(401, "SIGN_ERROR", message)


def not_found(message: str = "订单不存在") -> PayError:
    return PayError(404, "ORDER_NOT_EXIST", message)
