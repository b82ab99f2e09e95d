"""`hutong pay`: the WeChat Pay gateway for SDKs with a fixed address, the notification probe, and the
platform's payment key rotation (run on the server: they read the platform database)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import typer

# Imports of the server happen inside each command (tests/test_cli_imports.py: `hutong --help` stays light).

pay = typer.Typer(
    help="WeChat Pay compatibility: gateway, notification probe, platform keys.", no_args_is_help=True
)


@pay.command()
def gateway(
    listen: Annotated[
        str, typer.Option(help="host:port the SDKs' proxy setting points at.")
    ] = "127.0.0.1:8443",
    upstream: Annotated[
        str, typer.Option(help="The platform's plain HTTP address.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Serve api.mch.weixin.qq.com to SDKs whose gateway is fixed: set their proxy to this address and
    trust the CA file printed below (REQUESTS_CA_BUNDLE, SSL_CERT_FILE, or the system store)."""
    import asyncio

    from hutong.server.wechatpay import gateway as gw
    from hutong.settings import get_settings

    settings = get_settings()
    files = gw.ensure_files(settings.data_dir / "wechatpay-gateway")
    host, _, port = listen.rpartition(":")
    target = urlsplit(upstream)
    server = gw.Gateway(files, target.hostname or "127.0.0.1", target.port or 80)
    typer.echo(f"proxy: http://{listen}  CA: {files.ca_certificate}")

    async def run() -> None:
        async with await gw.serve(server, host, int(port)) as running:
            await running.serve_forever()

    asyncio.run(run())


@pay.command()
def probe(
    url: Annotated[str, typer.Argument(help="The merchant's notify URL.")],
    mchid: Annotated[str, typer.Option(help="The merchant whose APIv3 key and key mode to use.")],
) -> None:
    """Send the endpoint a genuine notification, a duplicate, a stale one, a forged one, a SIGNTEST
    probe and one it cannot decrypt; exit 1 if it accepted what it should refuse or refused what it
    should accept."""
    import asyncio

    from hutong.server.db import Database
    from hutong.server.payments import merchants
    from hutong.server.payments import probe as probing
    from hutong.server.sealing import Keyring
    from hutong.server.wechatpay.keys import KeyCache
    from hutong.settings import get_settings

    settings = get_settings()

    async def run() -> list[probing.ProbeResult]:
        database = Database(settings.effective_database_url, Keyring.from_settings(settings))
        try:
            async with database.session() as session:
                merchant = await merchants.by_mchid(session, mchid)
                key = merchants.apiv3_key(session, merchant) if merchant is not None else None
                if merchant is None or key is None:
                    raise typer.BadParameter(f"no merchant {mchid} with an APIv3 key")
                appids = await merchants.bound_appids(session, merchant)
            ring = await KeyCache(database).ring()
            return await probing.probe(
                url,
                mchid=mchid,
                appid=appids[0] if appids else "",
                apiv3_key=key,
                ring=ring,
                public_key_mode=merchant.platform_key_mode == "public_key",
                allow_networks=settings.egress_allow_networks,
            )
        finally:
            await database.dispose()

    results = asyncio.run(run())
    typer.echo(probing.report(results))
    if any(result.wrong for result in results):
        raise typer.Exit(1)


@pay.command("rotate-key")
def rotate_key() -> None:
    """Add a platform payment key that signs from now on; the previous ones stay valid until retired."""
    import asyncio

    from hutong.server.db import Database
    from hutong.server.sealing import Keyring
    from hutong.server.wechatpay import keys
    from hutong.settings import get_settings

    async def run() -> str:
        settings = get_settings()
        database = Database(settings.effective_database_url, Keyring.from_settings(settings))
        try:
            async with database.session() as session:
                key = await keys.rotate(session)
                return f"{key.serial_no} {key.public_key_id}"
        finally:
            await database.dispose()

    typer.echo(asyncio.run(run()))


@pay.command("retire-key")
def retire_key(serial: Annotated[str, typer.Argument(help="Certificate serial or PUB_KEY_ID_….")]) -> None:
    """Stop publishing an older platform key (never the one that signs)."""
    import asyncio

    from hutong.server.db import Database
    from hutong.server.wechatpay import keys
    from hutong.settings import get_settings

    async def run() -> bool:
        database = Database(get_settings().effective_database_url)
        try:
            async with database.session() as session:
                return await keys.retire(session, serial)
        finally:
            await database.dispose()

    if not asyncio.run(run()):
        typer.echo("no such older key", err=True)
        raise typer.Exit(1)
    typer.echo(f"retired {serial}")


@pay.command()
def reconcile(
    day: Annotated[
        str | None, typer.Option(help="A Beijing day, YYYY-MM-DD; everything when not given.")
    ] = None,
) -> None:
    """Compare orders and refunds with the ledger (and verify the ledger); print every difference,
    record the run, and exit 1 if there is any."""
    import asyncio
    from datetime import date

    from hutong.server.db import Database
    from hutong.server.payments import reconcile as reconciling
    from hutong.settings import get_settings

    try:
        when = date.fromisoformat(day) if day else None
    except ValueError as error:
        raise typer.BadParameter("the day is YYYY-MM-DD", param_hint="--day") from error

    async def run() -> reconciling.Report:
        database = Database(get_settings().effective_database_url)
        try:
            async with database.session() as session:
                report = await reconciling.reconcile(session, when)
                await reconciling.record(session, report, "command")
            return report
        finally:
            await database.dispose()

    report = asyncio.run(run())
    for finding in report.findings:
        typer.echo(f"{finding.kind}\t{finding.subject}\t{finding.detail}")
    typer.echo(
        f"{report.day}: {report.orders_checked} paid orders, {report.refunds_checked} refunds, "
        f"{len(report.findings)} differences"
    )
    if report.findings:
        raise typer.Exit(1)


@pay.command()
def settle(
    through: Annotated[
        str | None, typer.Option(help="Settle up to this Beijing day, YYYY-MM-DD (default: yesterday).")
    ] = None,
) -> None:
    """Settle merchants' unsettled days now (the daily job does this at 09:00 Beijing time): each
    day's money moves from pending to available, less the platform's fee."""
    import asyncio
    from datetime import date, timedelta

    from hutong.server.db import Database
    from hutong.server.payments import ids, reconcile, settlement
    from hutong.settings import get_settings

    try:
        last = (
            date.fromisoformat(through) if through else reconcile.beijing_day(ids.now()) - timedelta(days=1)
        )
    except ValueError as error:
        raise typer.BadParameter("the day is YYYY-MM-DD", param_hint="--through") from error

    async def run() -> list[tuple[str, str, int, int]]:
        from sqlalchemy import select

        from hutong.server.payments.models import Merchant

        database = Database(get_settings().effective_database_url)
        try:
            async with database.session() as session:
                names = {i: m for i, m in (await session.execute(select(Merchant.id, Merchant.mchid))).all()}
            made = await settlement.settle_until(database, last)
            return [(names[r.merchant_id], r.day, r.gross_fen, r.fee_fen) for r in made]
        finally:
            await database.dispose()

    for mchid, day, gross, fee in asyncio.run(run()):
        typer.echo(f"{mchid}\t{day}\tgross {gross}\tfee {fee}\tnet {gross - fee}")


@pay.command("fee-rate")
def fee_rate(
    mchid: Annotated[str, typer.Argument(help="The merchant.")],
    percent: Annotated[str, typer.Argument(help="The fee rate in percent, e.g. 0.6 (at most 10).")],
) -> None:
    """Set a merchant's fee rate, taken at settlement from each day's payments."""
    import asyncio
    from decimal import Decimal, InvalidOperation

    from hutong.server.db import Database
    from hutong.server.payments import settlement
    from hutong.settings import get_settings

    try:
        ppm = Decimal(percent) * 10_000
    except InvalidOperation as error:
        raise typer.BadParameter("a number of percent, e.g. 0.6") from error
    if ppm != ppm.to_integral_value() or not 0 <= ppm <= 100_000:
        raise typer.BadParameter("0 to 10 percent, to four decimal places")

    async def run() -> bool:
        database = Database(get_settings().effective_database_url)
        try:
            async with database.session() as session:
                return await settlement.set_fee_rate(session, mchid, int(ppm))
        finally:
            await database.dispose()

    if not asyncio.run(run()):
        typer.echo(f"no merchant {mchid}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{mchid}: {percent}% ({int(ppm)} millionths)")
