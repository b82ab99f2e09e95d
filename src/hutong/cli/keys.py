"""hutong keys: the master keys that seal secrets at rest, and the platform's signing keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutong.server.delivery.signing import PlatformKeys
    from hutong.server.sealing import Keyring, RewrapReport

# The platform's modules are imported by the commands that need them: `hutong --help` stays quick.

keys = typer.Typer(help="Master keys (secrets at rest) and platform signing keys.", no_args_is_help=True)


def _keyring() -> Keyring:
    from hutong.server.sealing import Keyring, SealingError
    from hutong.settings import get_settings

    try:
        return Keyring.from_settings(get_settings())
    except (SealingError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@keys.command("new-master")
def new_master() -> None:
    """Print a new random master key (base64), to add to HUTONG_MASTER_KEY or the key file."""
    from hutong.server.sealing import generate_master_key

    typer.echo(generate_master_key())


def _platform_keys() -> PlatformKeys:
    from hutong.server.delivery.signing import PlatformKeys
    from hutong.settings import get_settings

    settings = get_settings()
    return PlatformKeys(settings.platform_keys_dir, settings.signing_key_path)


@keys.command()
def rotate() -> None:
    """Add a new platform signing key: it signs from now on; the older ones stay accepted."""
    key = _platform_keys().rotate()
    typer.echo(f"platform key {key.kid} signs from now on (older keys stay accepted until retired)")


@keys.command()
def retire(
    kid: Annotated[str, typer.Argument(help="The key id to retire (see `hutong keys status`).")],
) -> None:
    """Stop accepting a platform signing key: what it signed is refused from now on."""
    try:
        _platform_keys().retire(kid)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"platform key {kid} retired: its signatures are refused")


@keys.command()
def status() -> None:
    """The platform signing keys, the master keys and how many sealed values each one wraps."""
    import asyncio

    from hutong.server.db import Database
    from hutong.server.sealing import count_by_master_key
    from hutong.settings import get_settings

    listed = _platform_keys().keys
    for key in listed:
        role = "signs" if key is listed[-1] else "accepted"
        typer.echo(f"platform key {key.kid}  {role}")
    keyring = _keyring()

    async def run() -> dict[str, int]:
        database = Database(get_settings().effective_database_url)
        try:
            async with database.engine.connect() as connection:
                return await count_by_master_key(connection)
        finally:
            await database.dispose()

    counts = asyncio.run(run())
    for kid in keyring.keys:
        role = "current" if kid == keyring.current else "readable"
        typer.echo(f"master key {kid}  {role:8}  {counts.pop(kid, 0)} sealed values")
    for kid, count in counts.items():
        typer.echo(f"master key {kid}  MISSING   {count} sealed values (add this key back)")


@keys.command()
def rewrap(
    batch: Annotated[int, typer.Option(help="Rows per transaction.")] = 500,
) -> None:
    """Re-wrap every sealed value under the current master key (safe while the platform serves)."""
    import asyncio

    from hutong.server.db import Database
    from hutong.server.sealing import SealingError
    from hutong.server.sealing import rewrap_all as rewrap_values
    from hutong.settings import get_settings

    keyring = _keyring()

    async def run() -> RewrapReport:
        database = Database(get_settings().effective_database_url)
        try:
            async with database.engine.connect() as connection:
                return await rewrap_values(connection, keyring, batch)
        finally:
            await database.dispose()

    try:
        report = asyncio.run(run())
    except SealingError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"re-wrapped {report.rewrapped} sealed values under master key {keyring.current}")
    others = {kid: n for kid, n in report.by_master_key.items() if kid != keyring.current}
    if others:
        typer.echo(f"still under other master keys: {others}")
    else:
        typer.echo("no sealed value needs another master key: the others may be retired")
