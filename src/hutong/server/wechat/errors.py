"""WeChat's error shape for the developer-server APIs: HTTP 200 with ``{"errcode", "errmsg"}``, as
WeChat answers, so that existing WeChat SDKs read our errors unchanged."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

OK = {"errcode": 0, "errmsg": "ok"}
MESSAGES = {
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40125: "invalid appsecret",
    40097: "invalid args",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41008: "missing code",
    41030: "invalid page",
    42001: "access_token expired",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit, must slower, retry next minute",
    47001: "data format error",
    61500: "date format error",
    61501: "date range error",
    87009: "invalid signature",
    # Third-party platforms (server/providers/).
    61003: "component is not authorized by this account",
    61005: "component ticket is expired",
    61006: "component ticket is invalid",
    61007: "api is unauthorized to component",
    61009: "code is invalid",
    61010: "code is expired",
    61023: "refresh_token is invalid",
    85009: "already submit a version under auditing",
    85013: "invalid ext_json",
    85014: "invalid template id",
    85019: "no version is approved",
    85020: "this version cannot be released",
    85045: "some path in ext_json does not exist",
    85047: "pages are empty",
    85048: "ext_json parse failed",
    85064: "draft not found",
    85065: "template library is full",
    85079: "miniprogram has no online release",
    85080: "miniprogram commit not approved",
    85081: "invalid gray percentage",
    85082: "gray percentage should be larger than the current one",
    85085: "audit quota of this month is used up",
    86000: "no pending audit for this app",
    87013: "undo code audit reach limit",
    85012: "invalid audit id",
    89402: "this audit is not in the audit queue",
    89403: "this audit cannot be sped up",
    89404: "this audit was already sped up",
    89405: "speed-up quota of this month is used up",
    # Fast registration (server/providers/fastregister.py).
    61070: "name, wechat name not in accordance",
    86004: "invalid wechat",
    89247: "inner error",
    89248: "invalid code type",
    89249: "task running",
    89250: "task not found",
    89251: "legal person checking",
    89253: "lack of some params",
    100003: "the legal person did not confirm within 24 hours",
}


class WxError(Exception):
    def __init__(self, errcode: int, errmsg: str | None = None) -> None:
        super().__init__(errmsg or MESSAGES.get(errcode, "error"))
        self.errcode = errcode
        self.errmsg = errmsg or MESSAGES.get(errcode, "error")


def install_wx_errors(app: FastAPI) -> None:
    @app.exception_handler(WxError)
    async def wx_error(_request: Request, error: WxError) -> JSONResponse:
        # Never cached: a retry after a rate limit or a fresh token must reach us.
        return JSONResponse(
            {"errcode": error.errcode, "errmsg": error.errmsg}, headers={"Cache-Control": "no-store"}
        )
