"""茶小铺's own back end: the server a tea shop runs beside its mini program, written the way a merchant
writes one against WeChat Pay API v3. It knows nothing of Hutong beyond the platform's base URL: point
``platform`` at https://api.weixin.qq.com / https://api.mch.weixin.qq.com and it talks to WeChat.

It does what WeChat Pay's JSAPI guide and the group-share guide describe:

- ``POST /api/orders`` ``{code, items: [{id, count}], remark, pickup}``: the user's ``wx.login`` code
  becomes an openid (``/sns/jscode2session`` with the AppSecret), the shop prices the items from its
  own menu (never from the client), creates a JSAPI order (``POST /v3/pay/transactions/jsapi``, signed
  ``WECHATPAY2-SHA256-RSA2048`` with the merchant's private key) and answers the order and the five
  ``wx.requestPayment`` parameters, the ``paySign`` made over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``.
- ``GET /api/orders/<out_trade_no>``: the order as the shop knows it.
- ``POST /pay/notify``: WeChat Pay's notifications. The signature is checked over the raw body with the
  platform certificate named by ``Wechatpay-Serial`` (fetched from ``/v3/certificates`` and decrypted
  with the APIv3 key; fetched again when an unknown serial appears), stale timestamps are refused, the
  resource is decrypted (AEAD_AES_256_GCM), and the order moves only forward: paid on
  TRANSACTION.SUCCESS, refunded on REFUND.SUCCESS, each notification applied once however often it
  arrives. Anything wrong answers 4XX so the platform retries; done answers 204.
- ``POST /api/login`` ``{code}``: ``wx.login``'s code becomes the user's openid and ``session_key``
  (``/sns/jscode2session``); the shop keeps them server-side and answers an opaque token. The
  ``session_key`` never reaches the mini program.
- ``POST /api/share/group`` ``{token, encryptedData, iv}``: what ``wx.getShareInfo`` or
  ``wx.getGroupEnterInfo`` gave the mini program after that login, decrypted as WeChat's
  WXBizDataCrypt does (AES-128-CBC, the base64 ``session_key`` as key, PKCS#7; the watermark's appid
  must be the shop's). Answers the group's ``openGId`` and how many customers that group brought.
  Logging in first matters: decrypting with an older ``session_key`` gives garbage (WeChat's most
  common complaint about share data).
- ``GET /health``.

Why plain signed httpx calls and not the ``wechatpayv3`` package (which the platform's wire test runs
unchanged): that package fixes its gateway at api.mch.weixin.qq.com, so pointing it at a local
platform needs ``hutong pay gateway`` and a proxy with its own CA. A demo should start with one
command, and the signing it does is what these ~100 lines show.

Credentials come from a JSON file (``--credentials``): ``platform`` (base URL), ``appid``, ``secret``,
``mchid``, ``serial_no``, ``private_key`` (PEM), ``apiv3_key``. Orders are kept in ``--orders`` (JSON).

Run: ``python examples/tea-server/server.py --port 8001 --credentials data/tea-merchant.json``."""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as pkcs7
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# The shop's prices, in fen: the server is the authority (the mini program's menu is for display).
MENU = {
    "m1": ("珍珠奶茶 Pearl milk tea", 1500),
    "m2": ("黑糖鲜奶 Brown sugar milk", 1800),
    "m3": ("芋泥波波 Taro boba", 1900),
    "f1": ("满杯百香果 Passion fruit", 1600),
    "f2": ("杨枝甘露 Mango pomelo", 2200),
    "e1": ("加珍珠 Extra pearls", 200),
}
CLOCK_SKEW = 300  # seconds: WeChat's SDKs refuse notifications older or newer than 5 minutes


class Shop:
    # What a shop sells and how its orders are named: another shop's back end (examples/snacks-server)
    # subclasses this one with its own.
    menu: dict[str, tuple[str, int]] = MENU
    prefix = "TEA"
    brand = "茶小铺"

    def __init__(self, credentials: dict[str, str], orders_path: Path, public_url: str) -> None:
        self.c = credentials
        key = serialization.load_pem_private_key(credentials["private_key"].encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the merchant key must be RSA-2048")
        self.key = key
        self.public_url = public_url.rstrip("/")
        self.orders_path = orders_path
        self.lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = (
            json.loads(orders_path.read_text()) if orders_path.exists() else {}
        )
        self.platform_keys: dict[str, rsa.RSAPublicKey] = {}
        # Logged-in customers: token -> (openid, session_key); openGId -> the openids it brought.
        self.sessions: dict[str, tuple[str, str]] = {}
        self.groups: dict[str, set[str]] = {}
        self.http = httpx.Client(base_url=credentials["platform"], timeout=10)

    # Signing, as WeChat Pay v3 asks ------------------------------------------------------------------

    def _sign(self, message: str) -> str:
        signature = self.key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        text = json.dumps(body, ensure_ascii=False) if body is not None else ""
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        signature = self._sign(f"{method}\n{path}\n{stamp}\n{nonce}\n{text}\n")
        authorization = (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.c["mchid"]}",nonce_str="{nonce}",'
            f'signature="{signature}",timestamp="{stamp}",serial_no="{self.c["serial_no"]}"'
        )
        headers = {"Authorization": authorization, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return self.http.request(method, path, content=text.encode(), headers=headers)

    def _v3(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """A signed v3 call whose answer must carry the platform's signature."""
        response = self._request(method, path, body)
        self._check_answer(response)
        return response

    def _decrypt(self, resource: dict[str, str]) -> bytes:
        aead = AESGCM(self.c["apiv3_key"].encode())
        return aead.decrypt(
            resource["nonce"].encode(),
            base64.b64decode(resource["ciphertext"]),
            (resource.get("associated_data") or "").encode(),
        )

    def _fetch_certificates(self) -> None:
        """The platform's certificates, decrypted with the APIv3 key (the SDKs' certificate download)."""
        answer = self._request("GET", "/v3/certificates")
        answer.raise_for_status()
        for item in answer.json()["data"]:
            pem = self._decrypt(item["encrypt_certificate"])
            public = x509.load_pem_x509_certificate(pem).public_key()
            assert isinstance(public, rsa.RSAPublicKey)
            self.platform_keys[item["serial_no"]] = public
        # The answer itself must be signed by one of them (checked now that they are known).
        self._check_answer(answer)

    def _verify(self, serial: str, message: str, signature: str) -> bool:
        if serial not in self.platform_keys:
            self._fetch_certificates()  # a rotation: the new key's certificate is published first
        key = self.platform_keys.get(serial)
        if key is None:
            return False
        try:
            key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True

    def _check_answer(self, response: httpx.Response) -> None:
        serial = response.headers.get("Wechatpay-Serial", "")
        message = (
            f"{response.headers.get('Wechatpay-Timestamp', '')}\n"
            f"{response.headers.get('Wechatpay-Nonce', '')}\n{response.text}\n"
        )
        if not self._verify(serial, message, response.headers.get("Wechatpay-Signature", "")):
            raise RuntimeError("the platform's answer is not signed by the platform")

    # What the mini program calls --------------------------------------------------------------------

    def _code2session(self, code: str) -> dict[str, Any]:
        params = {"appid": self.c["appid"], "secret": self.c["secret"], "js_code": code}
        session: dict[str, Any] = self.http.get(
            "/sns/jscode2session", params={**params, "grant_type": "authorization_code"}
        ).json()
        if "openid" not in session:
            raise ValueError(f"login failed: {session.get('errmsg', session)}")
        return session

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        session = self._code2session(str(body.get("code", "")))
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.sessions[token] = (session["openid"], session["session_key"])
        return {"token": token}

    def group(self, body: dict[str, Any]) -> dict[str, Any]:
        """The group a customer came from, out of wx.getShareInfo's (or getGroupEnterInfo's) data."""
        with self.lock:
            found = self.sessions.get(str(body.get("token", "")))
        if found is None:
            raise ValueError("log in first (POST /api/login)")
        openid, session_key = found
        data = decrypt_user_data(
            session_key, str(body.get("encryptedData", "")), str(body.get("iv", "")), self.c["appid"]
        )
        gid = str(data.get("openGId") or data.get("opengid") or "")
        if not gid:
            raise ValueError("no group in the data")
        with self.lock:
            brought = self.groups.setdefault(gid, set())
            brought.add(openid)
            return {"openGId": gid, "customers": len(brought)}

    def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        session = self._code2session(str(body.get("code", "")))
        lines = []
        for item in body.get("items") or []:
            product = self.menu.get(str(item.get("id")))
            count = item.get("count")
            if product is None or not isinstance(count, int) or not 1 <= count <= 99:
                raise ValueError("unknown item or count")
            lines.append({"id": item["id"], "name": product[0], "count": count, "total": product[1] * count})
        if not lines:
            raise ValueError("an order needs at least one item")
        total = sum(line["total"] for line in lines)
        out_trade_no = self.prefix + datetime.now(UTC).strftime("%Y%m%d") + secrets.token_hex(6).upper()
        first = lines[0]["name"].split(" ")[0]
        description = f"{self.brand} {first}" + (f" 等{len(lines)}件" if len(lines) > 1 else "")
        made = self._v3(
            "POST",
            "/v3/pay/transactions/jsapi",
            {
                "appid": self.c["appid"],
                "mchid": self.c["mchid"],
                "description": description,
                "out_trade_no": out_trade_no,
                "notify_url": f"{self.public_url}/pay/notify",
                "amount": {"total": total, "currency": "CNY"},
                "payer": {"openid": session["openid"]},
            },
        )
        if made.status_code != 200:
            raise ValueError(f"the order was refused: {made.text}")
        package = f"prepay_id={made.json()['prepay_id']}"
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        payment = {
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": self._sign(f"{self.c['appid']}\n{stamp}\n{nonce}\n{package}\n"),
        }
        order = {
            "id": out_trade_no,
            "openid": session["openid"],
            "items": lines,
            "total": total,
            "remark": str(body.get("remark", ""))[:100],
            "pickup": str(body.get("pickup", ""))[:40],
            "status": "unpaid",
            "refunded": 0,
            "transaction_id": None,
            "notifications": [],
            "createdAt": int(time.time() * 1000),
        }
        with self.lock:
            self.orders[out_trade_no] = order
            self._save()
        return {"order": self._public(order), "payment": payment}

    def actions(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        """The POST routes the mini program calls (a subclass adds its own)."""
        return {"/api/orders": self.create_order, "/api/login": self.login, "/api/share/group": self.group}

    def queries(self) -> dict[str, Callable[[], dict[str, Any]]]:
        """The GET routes beyond /health and /api/orders/<id> (a subclass adds its own)."""
        return {}

    def order(self, out_trade_no: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.orders.get(out_trade_no)
            return self._public(found) if found else None

    @staticmethod
    def _public(order: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in order.items() if key != "openid"}

    def _save(self) -> None:
        temporary = self.orders_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.orders, ensure_ascii=False, indent=1))
        temporary.replace(self.orders_path)

    # WeChat Pay's notifications ---------------------------------------------------------------------

    def notify(self, headers: dict[str, str], raw: bytes) -> tuple[int, str]:
        stamp, nonce = headers.get("wechatpay-timestamp", ""), headers.get("wechatpay-nonce", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > CLOCK_SKEW:
            return 400, "stale or missing timestamp"
        message = f"{stamp}\n{nonce}\n{raw.decode()}\n"
        if not self._verify(
            headers.get("wechatpay-serial", ""), message, headers.get("wechatpay-signature", "")
        ):
            return 401, "bad signature"
        envelope = json.loads(raw)
        try:
            resource = json.loads(self._decrypt(envelope["resource"]))
        except (InvalidTag, KeyError, ValueError):
            return 400, "cannot decrypt (wrong APIv3 key?)"
        with self.lock:
            order = self.orders.get(str(resource.get("out_trade_no")))
            if order is None or resource.get("mchid") != self.c["mchid"]:
                # Genuine (signed, decrypted) but not one of ours: acknowledge so it is not retried,
                # and apply nothing.
                return 204, ""
            if envelope["id"] in order["notifications"]:
                return 204, ""  # a duplicate: already applied
            event = envelope.get("event_type", "")
            if event == "TRANSACTION.SUCCESS":
                if resource.get("trade_state") != "SUCCESS" or resource["amount"]["total"] != order["total"]:
                    return 400, "the notification does not match the order"
                if order["status"] == "unpaid":  # never back: a late duplicate cannot undo a refund
                    order["status"], order["transaction_id"] = "paid", resource["transaction_id"]
                    order["paidAt"] = resource.get("success_time")
            elif event == "REFUND.SUCCESS":  # counted once per refund number, whichever notification
                order.setdefault("refunds", {})[resource["out_refund_no"]] = int(resource["amount"]["refund"])
                order["refunded"] = sum(order["refunds"].values())
                order["status"] = "refunded" if order["refunded"] >= order["total"] else "partly refunded"
            order["notifications"].append(envelope["id"])
            order.setdefault("events", []).append(event)
            self._save()
        return 204, ""


def decrypt_user_data(session_key: str, encrypted: str, iv: str, appid: str) -> dict[str, Any]:
    """WeChat's WXBizDataCrypt: AES-128-CBC under the base64 session_key, PKCS#7, a JSON object whose
    watermark names the app it was sealed for."""
    try:
        key, vector, data = (base64.b64decode(x, validate=True) for x in (session_key, iv, encrypted))
        decryptor = Cipher(algorithms.AES(key), modes.CBC(vector)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = pkcs7.PKCS7(128).unpadder()
        value = json.loads(unpadder.update(padded) + unpadder.finalize())
    except ValueError as error:  # bad base64, key or iv size, padding or JSON: a stale session_key
        raise ValueError("cannot decrypt (log in again before wx.getShareInfo)") from error
    if not isinstance(value, dict) or (value.get("watermark") or {}).get("appid") != appid:
        raise ValueError("the data is not for this mini program")
    return value


def handler_for(shop: Shop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            # The mini program calls from the host's origin (wx.request is a cross-origin fetch).
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "content-type")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:
            self._send(204)

        def do_GET(self) -> None:
            if self.path == "/health":
                return self._send(200, {"ok": True})
            if self.path.startswith("/api/orders/"):
                found = shop.order(self.path.removeprefix("/api/orders/"))
                return self._send(200, found) if found else self._send(404, {"error": "no such order"})
            query = shop.queries().get(self.path)
            if query is not None:
                return self._send(200, query())
            self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            raw = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 65536))
            if self.path == "/pay/notify":
                status, why = shop.notify({k.lower(): v for k, v in self.headers.items()}, raw)
                return self._send(status, {"code": "FAIL", "message": why} if status >= 300 else None)
            action = shop.actions().get(self.path)
            if action is None:
                return self._send(404, {"error": "not found"})
            try:
                return self._send(200, action(json.loads(raw or b"{}")))
            except (ValueError, RuntimeError, httpx.HTTPError) as error:
                return self._send(400, {"error": str(error)})

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="茶小铺's back end (WeChat Pay v3 JSAPI).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--credentials", type=Path, required=True, help="the merchant's credentials (JSON)")
    parser.add_argument("--orders", type=Path, help="where orders are kept (default: beside the credentials)")
    args = parser.parse_args()
    credentials = json.loads(args.credentials.read_text())
    orders = args.orders or args.credentials.with_name("tea-orders.json")
    shop = Shop(credentials, orders, f"http://{args.host}:{args.port}")
    server = ThreadingHTTPServer((args.host, args.port), handler_for(shop))
    print(f"茶小铺 back end at http://{args.host}:{args.port} (merchant {credentials['mchid']})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
