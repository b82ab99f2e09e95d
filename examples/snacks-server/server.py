"""零食派's own back end: 茶小铺's back end (examples/tea-server/server.py, loaded from beside this
folder) with a snack menu, plus the one thing a coupon campaign needs from a merchant's server:

- ``POST /api/coupons/sign`` ``{stock_id}``: the parameters of WeChat Pay's send-coupon plugin
  (``<send-coupon send_coupon_params sign send_coupon_merchant>``), signed as WeChat Pay's v2 rule
  says: the fields ``stock_id{i}``, ``out_request_no{i}`` and ``send_coupon_merchant``, sorted, ``k=v``
  joined with ``&``, then ``&key=<key>``, HMAC-SHA256 under the merchant's key, uppercase hex (on
  Hutong the APIv3 key is that key). The shop signs only its own stocks (asked with
  ``GET /v3/marketing/favor/stocks/{stock_id}``) and makes a fresh ``out_request_no`` for each sign,
  so a sign is one claim: it holds no openid, and whoever it reaches first claims with it.
- ``GET /api/coupons/offer``: ``{stock_id}``, the voucher stock the home page offers when its link names
  none (the credentials' ``voucher_stock``, which `hutong demo` seeds; ``""`` when there is none).
- ``POST /api/orders``, ``GET /api/orders/<out_trade_no>``, ``POST /pay/notify``: as the tea shop's. A
  voucher (代金券) the user holds is applied by WeChat's payment sheet, not here: the order is made for
  the full price, and the notification's ``amount.total`` is still that price (``payer_total`` is what
  the user paid, ``promotion_detail`` the voucher).

Run: ``python examples/snacks-server/server.py --port 8002 --credentials data/snacks-merchant.json``."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import importlib.util
import json
import secrets
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "tea_server", Path(__file__).resolve().parent.parent / "tea-server" / "server.py"
)
assert _spec is not None and _spec.loader is not None
tea = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tea)

# The shop's prices, in fen (the server is the authority).
MENU = {
    "s1": ("海苔薯片 Seaweed crisps", 1200),
    "s2": ("芒果干 Dried mango", 1800),
    "s3": ("坚果礼盒 Nut box", 4800),
}


def send_coupon_sign(params: list[dict[str, str]], merchant: str, key: str) -> str:
    fields = {"send_coupon_merchant": merchant}
    for i, param in enumerate(params):
        fields[f"stock_id{i}"] = param["stock_id"]
        fields[f"out_request_no{i}"] = param["out_request_no"]
    text = "&".join(f"{name}={value}" for name, value in sorted(fields.items()) if value) + f"&key={key}"
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


class SnackShop(tea.Shop):  # type: ignore[misc,name-defined]
    menu = MENU
    prefix = "SNK"
    brand = "零食派"

    def actions(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        routes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = super().actions()
        return {**routes, "/api/coupons/sign": self.sign_coupons}

    def queries(self) -> dict[str, Callable[[], dict[str, Any]]]:
        routes: dict[str, Callable[[], dict[str, Any]]] = super().queries()
        return {**routes, "/api/coupons/offer": self.offer}

    def offer(self) -> dict[str, Any]:
        return {"stock_id": str(self.c.get("voucher_stock") or "")}

    def sign_coupons(self, body: dict[str, Any]) -> dict[str, Any]:
        stock_id = str(body.get("stock_id", ""))
        if not stock_id.isdigit() or len(stock_id) > 20:
            raise ValueError("stock_id: digits")
        mchid = self.c["mchid"]
        found = self._v3("GET", f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}")
        if found.status_code != 200:
            raise ValueError("not one of this shop's stocks")
        params = [{"stock_id": stock_id, "out_request_no": "SNKC" + secrets.token_hex(12).upper()}]
        return {
            "send_coupon_params": params,
            "send_coupon_merchant": mchid,
            "sign": send_coupon_sign(params, mchid, self.c["apiv3_key"]),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="零食派's back end (WeChat Pay v3 JSAPI, send-coupon).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--credentials", type=Path, required=True, help="the merchant's credentials (JSON)")
    parser.add_argument("--orders", type=Path, help="where orders are kept (default: beside the credentials)")
    args = parser.parse_args()
    credentials = json.loads(args.credentials.read_text())
    orders = args.orders or args.credentials.with_name("snacks-orders.json")
    shop = SnackShop(credentials, orders, f"http://{args.host}:{args.port}")
    server = ThreadingHTTPServer((args.host, args.port), tea.handler_for(shop))
    print(f"零食派 back end at http://{args.host}:{args.port} (merchant {credentials['mchid']})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
