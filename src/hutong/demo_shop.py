"""茶小铺 (examples/tea) takes real payments in `hutong demo`: the demo organization gets an owner to sign
in to the console with, a merchant account bound to hutong-tea, and the tea shop's own back end
(examples/tea-server/server.py) runs as a process of its own with the merchant's credentials, the way a
merchant's server runs beside WeChat.

Each start hands out fresh credentials (a new merchant key pair, APIv3 key and AppSecret): the platform
keeps no private key to give back, so the back end's credentials file is rewritten from new ones."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from hutong import sidecar
from hutong.examples import demo_organization
from hutong.server import ledger
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import Membership, User
from hutong.server.apps import service as apps
from hutong.server.apps.models import DOMAIN_KINDS, App
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Stock
from hutong.server.db import Database
from hutong.server.payments import merchants
from hutong.server.payments.ids import aware, now, rfc3339
from hutong.server.payments.models import Merchant

TEA_APPID = "hutong-tea"
MERCHANT_NAME = "茶小铺 Tea House"
# The demo's merchant owner (console → the organization → Merchant accounts). A demo account on a
# loopback demo; `hutong demo` prints it.
OWNER_EMAIL = "owner@tea.example.com"
OWNER_PASSWORD = "tea house demo"  # noqa: S105 - the demo's published sign-in
SERVER_SCRIPT = Path("tea-server") / "server.py"
# 零食派 (examples/snacks) runs its coupon campaign the same way: its own merchant, its own back end
# (examples/snacks-server, built on the tea shop's) that makes orders and signs send-coupon parameters.
SNACKS_APPID = "hutong-snacks"
SNACKS_MERCHANT_NAME = "零食派 Snack Party"
SNACKS_SERVER_SCRIPT = Path("snacks-server") / "server.py"
# The voucher (代金券) 零食派's home page hands out in the demo: 满10减3, funded from its marketing account.
VOUCHER_REQUEST_PREFIX = "DEMO-SNACKS-VOUCHER-"
VOUCHER_COUPONS = 1_000
VOUCHER_FEN = 300


async def _owner(database: Database, email: str, password: str, org_id: int) -> User:
    async with database.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
        if user is None:
            user = await accounts.sign_up(session, email, password, name="Tea House owner")
        member = await session.scalar(
            select(Membership).where(Membership.organization_id == org_id, Membership.user_id == user.id)
        )
        if member is None:
            session.add(Membership(organization_id=org_id, user_id=user.id, role="owner"))
        elif member.role != "owner":
            member.role = "owner"
        await session.commit()
        return user


async def seed(
    database: Database,
    platform_url: str,
    backend_url: str,
    *,
    owner_email: str = OWNER_EMAIL,
    owner_password: str = OWNER_PASSWORD,
    appid: str = TEA_APPID,
    merchant_name: str = MERCHANT_NAME,
) -> dict[str, str]:
    """Set up a shop's merchant (the tea shop's unless told; examples must be loaded) and answer the
    back end's credentials."""
    async with database.session() as session:
        org = await demo_organization(session)
        org_id = org.id
        await session.commit()
    owner = await _owner(database, owner_email, owner_password, org_id)
    async with database.session() as session:
        app = await session.scalar(select(App).where(App.appid == appid))
        if app is None:
            raise RuntimeError(f"{appid} is not loaded")
        merchant = await session.scalar(
            select(Merchant).where(Merchant.organization_id == org_id, Merchant.name == merchant_name)
        )
        if merchant is None:
            merchant = await merchants.create(session, org_id, merchant_name)
        issued = merchants.generate_key(merchant)
        apiv3_key = merchants.set_apiv3_key(session, merchant, None)
        # The back end checks notifications with certificates from /v3/certificates, as most SDKs do.
        merchants.set_rules(merchant, [backend_url + "/"], ["owner"], "certificate")
        await merchants.bind_app(session, merchant, appid)
        secret = await apps.rotate_secret(session, owner, appid)
        # The platform's API takes https domain names only; the demo's back end is a loopback http
        # origin, so it is written here, as the tests do for theirs.
        app.domains = {kind: list((app.domains or {}).get(kind, [])) for kind in DOMAIN_KINDS}
        if backend_url not in app.domains["request"]:
            app.domains["request"] = [*app.domains["request"], backend_url]
        mchid = merchant.mchid
        await session.commit()
    return {
        "platform": platform_url,
        "appid": appid,
        "secret": secret,
        "mchid": mchid,
        "serial_no": issued.serial_no,
        "private_key": issued.private_key_pem,
        "apiv3_key": apiv3_key,
    }


async def seed_voucher(database: Database, mchid: str) -> str:
    """A running voucher stock of merchant ``mchid`` for its back end to offer, and the money behind it:
    the demo's stock when one still runs (each start reuses it), else a new one, its budget paid into
    the merchant's marketing account first (as a top-up would) and locked by the start."""
    async with database.session() as session:
        merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
        if merchant is None:
            raise RuntimeError(f"no merchant {mchid}")
        demo_stocks = await session.scalars(
            select(Stock)
            .where(
                Stock.merchant_id == merchant.id,
                Stock.family == "favor",
                Stock.out_request_no.startswith(VOUCHER_REQUEST_PREFIX),
                Stock.state == "running",
            )
            .order_by(Stock.id.desc())
        )
        for stock in demo_stocks:
            await issuing.refresh_state(session, stock)
            if stock.state == "running" and aware(stock.ends_at) > now() + timedelta(days=1):
                await session.commit()
                return stock.stock_id
        request_no = VOUCHER_REQUEST_PREFIX + secrets.token_hex(8).upper()
        begin = now() - timedelta(minutes=1)
        body = {
            "stock_name": "零食派满10减3",
            "belong_merchant": mchid,
            "available_begin_time": rfc3339(begin),
            "available_end_time": rfc3339(begin + timedelta(days=30)),
            "stock_use_rule": {
                "max_coupons": VOUCHER_COUPONS,
                "max_amount": VOUCHER_COUPONS * VOUCHER_FEN,
                "max_coupons_per_user": 1,
            },
            "coupon_use_rule": {
                "fixed_normal_coupon": {"coupon_amount": VOUCHER_FEN, "transaction_minimum": 1_000}
            },
            "stock_type": "NORMAL",
            "out_request_no": request_no,
        }
        budget = VOUCHER_COUPONS * VOUCHER_FEN
        await ledger.post(
            session,
            f"demo:marketing:{request_no}",
            "demo: marketing funds for the snack voucher",
            [("funding_clearing:demo", -budget), (f"merchant_marketing:{mchid}", budget)],
        )
        stock = await issuing.create_stock(session, merchant, "favor", body, state="draft")
        await issuing.move(session, stock, "start")
        stock_id = stock.stock_id
        await session.commit()
        return stock_id


def write_credentials(path: Path, credentials: dict[str, str]) -> None:
    """The merchant's files, readable by their owner only (they hold the private key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    path.write_text(json.dumps(credentials, ensure_ascii=False, indent=1))


@dataclass
class RunningShop:
    url: str
    orders: Path
    process: subprocess.Popen[bytes]

    def order(self, out_trade_no: str) -> dict[str, object] | None:
        answer = httpx.get(f"{self.url}/api/orders/{out_trade_no}", timeout=5)
        return answer.json() if answer.status_code == 200 else None


@contextmanager
def run_tea_server(
    examples: Path,
    port: int,
    credentials: Path,
    orders: Path | None = None,
    script: Path = SERVER_SCRIPT,
) -> Iterator[RunningShop]:
    """Start a shop's back end (the tea shop's unless ``script`` names another) as its own process on
    127.0.0.1:``port``; stop it after."""
    orders = orders or credentials.with_name(script.parent.name.removesuffix("-server") + "-orders.json")
    command = [sys.executable, str(examples / script), "--port", str(port)]
    command += ["--credentials", str(credentials), "--orders", str(orders)]
    url = f"http://127.0.0.1:{port}"
    with sidecar.serving(command, url, f"the back end {script}") as process:
        yield RunningShop(url, orders, process)
