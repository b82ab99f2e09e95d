"""`hutong`: serve the platform, run the demo, migrate, build mini programs, and talk to a platform
(login, upload, preview) as a developer.

Each command imports what it needs in its own body: the server, the database, Playwright and httpx
cost seconds and well over 100 MB to import, and `hutong --help` or `hutong build` need none of them
(tests/test_cli_imports.py keeps it so; bench/cli.py measures it).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hutong.cli import config
from hutong.cli import outbox as outbox_cli
from hutong.cli.keys import keys
from hutong.cli.pay import pay
from hutong.cli.provider import provider

if TYPE_CHECKING:
    from hutong.cli.platform import PlatformClient
    from hutong.compiler import BuildResult

app = typer.Typer(help="Hutong: an open-source mini program platform.", no_args_is_help=True)
app.add_typer(outbox_cli.app, name="outbox")
app.add_typer(keys, name="keys")
app.add_typer(pay, name="pay")
app.add_typer(provider, name="provider")


def _prepare() -> None:
    from hutong.logs import configure_logging
    from hutong.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from hutong.server.db.migrate import bring_up_to_date
    from hutong.settings import get_settings

    _prepare()
    settings = get_settings()
    from hutong.server.sealing import Keyring

    bring_up_to_date(settings.effective_database_url, keyring=Keyring.from_settings(settings))
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the platform (run `hutong migrate` first)."""
    import uvicorn

    _prepare()
    uvicorn.run("hutong.server.app:create_app", factory=True, host=host, port=port, log_level="info")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    examples: Annotated[Path, typer.Option(help="Folder of example mini programs.")] = Path("examples"),
) -> None:
    """Migrate, load the example mini programs, and serve the platform."""
    import asyncio

    import uvicorn

    from hutong import demo_shop
    from hutong.compiler import CompileError
    from hutong.demo_shop import run_tea_server
    from hutong.examples import find_examples, load_examples, prepare_backend, run_backend
    from hutong.server.db import Database
    from hutong.server.db.migrate import bring_up_to_date
    from hutong.server.embedded import free_port
    from hutong.server.funding.sandbox_bank import run_bank
    from hutong.server.storage import BlobStore
    from hutong.settings import get_settings

    _prepare()
    settings = get_settings()
    from hutong.server.sealing import Keyring

    bring_up_to_date(settings.effective_database_url, keyring=Keyring.from_settings(settings))

    async def load() -> list[str]:
        database = Database.of_settings(settings)
        try:
            return await load_examples(database, BlobStore(settings.blob_dir), examples)
        finally:
            await database.dispose()

    try:
        loaded = asyncio.run(load())
    except CompileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"loaded {len(loaded)} example mini programs: {', '.join(loaded)}")
    # Wallet top-ups and withdrawals need a bank: the sandbox bank, a process of its own, unless one
    # is configured (docs/payments.md, "Funding providers").
    from contextlib import ExitStack

    with ExitStack() as stack:
        # Callbacks (the bank's) and links must reach the port the demo really serves on.
        if "HUTONG_PUBLIC_URL" not in os.environ:
            os.environ["HUTONG_PUBLIC_URL"] = f"http://{host}:{port}"
            get_settings.cache_clear()
        if not settings.funding_sandbox_url:
            bank = stack.enter_context(run_bank(free_port()))
            os.environ["HUTONG_FUNDING_SANDBOX_URL"] = bank.url
            os.environ["HUTONG_FUNDING_SANDBOX_API_KEY"] = bank.api_key
            os.environ["HUTONG_FUNDING_SANDBOX_WEBHOOK_SECRET"] = bank.webhook_secret
            get_settings.cache_clear()
            typer.echo(f"sandbox bank at {bank.url} (test card 4242 4242 4242 4242)")
        # 茶小铺 takes real payments: its own back end, a process of its own, with a merchant account
        # seeded for it; notifications reach it on loopback (docs/payments.md, "The tea shop").
        if not settings.egress_allow_networks:
            os.environ["HUTONG_EGRESS_ALLOW_NETWORKS"] = "127.0.0.1/32"
            get_settings.cache_clear()
        tea = _seed_tea_shop(examples, host, port)
        if tea is not None:
            stack.enter_context(run_tea_server(examples, port + 1, tea))
            typer.echo(
                f"茶小铺's back end at http://127.0.0.1:{port + 1}; its merchant console: sign in as "
                f"{demo_shop.OWNER_EMAIL} / {demo_shop.OWNER_PASSWORD!r}"
            )
        # 零食派's coupon campaign: its merchant (same owner) and back end, on the next port.
        snacks = _seed_tea_shop(examples, host, port, shop="snacks")
        if snacks is not None:
            script = demo_shop.SNACKS_SERVER_SCRIPT
            stack.enter_context(run_tea_server(examples, port + 2, snacks, script=script))
            typer.echo(f"零食派's back end at http://127.0.0.1:{port + 2}")
        # Examples with a back end of their own (the clinic's sends its reminders): each gets a fresh
        # AppSecret and runs as its own process on the port its mini program calls.
        for example in find_examples(examples):
            if example.backend is None:
                continue
            origin = f"http://127.0.0.1:{example.backend_port}"

            async def prepare(appid: str = example.appid, origin: str = origin) -> str:
                database = Database.of_settings(settings)
                try:
                    return await prepare_backend(database, appid, origin)
                finally:
                    await database.dispose()

            try:
                secret = asyncio.run(prepare())
                running = stack.enter_context(run_backend(example, f"http://{host}:{port}", secret))
            except (RuntimeError, OSError) as error:
                typer.echo(f"warning: {error}; {example.appid} runs without its back end", err=True)
                continue
            typer.echo(f"{example.appid} back end at {running.url}")
        typer.echo(f"Open http://{host}:{port}/ in a browser.")
        # uvicorn shuts down on SIGTERM, then raises the signal again under the handler it found: by
        # default that ends the process at once, and the ExitStack never stops the sidecars. Make it
        # unwind instead (SIGINT already does, as KeyboardInterrupt).
        signal.signal(signal.SIGTERM, _exit_on_signal)
        uvicorn.run("hutong.server.app:create_app", factory=True, host=host, port=port, log_level="info")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _seed_tea_shop(examples: Path, host: str, port: int, shop: str = "tea") -> Path | None:
    """A shop's merchant account and credentials file (the tea shop's, or with ``shop="snacks"`` the
    snack brand's on the port after it), or None when its back end is absent from ``examples``."""
    import asyncio

    from hutong import demo_shop
    from hutong.server.db import Database
    from hutong.server.sealing import Keyring
    from hutong.settings import get_settings

    snacks = shop == "snacks"
    script = demo_shop.SNACKS_SERVER_SCRIPT if snacks else demo_shop.SERVER_SCRIPT
    if not (examples / script).is_file():
        return None
    settings = get_settings()
    backend = f"http://127.0.0.1:{port + (2 if snacks else 1)}"
    which = (
        {"appid": demo_shop.SNACKS_APPID, "merchant_name": demo_shop.SNACKS_MERCHANT_NAME} if snacks else {}
    )

    path = settings.data_dir / f"{shop}-merchant.json"

    async def seed() -> dict[str, str]:
        database = Database(settings.effective_database_url, keyring=Keyring.from_settings(settings))
        try:
            previous = demo_shop.read_credentials(path)
            credentials = await demo_shop.seed(
                database, f"http://{host}:{port}", backend, **which, previous=previous
            )
            if snacks:
                # The voucher its home page offers without a ?stock= link (snacks-server's offer).
                credentials["voucher_stock"] = await demo_shop.seed_voucher(database, credentials["mchid"])
            return credentials
        finally:
            await database.dispose()

    demo_shop.write_credentials(path, asyncio.run(seed()))
    return path


@app.command("sandbox-bank")
def sandbox_bank(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 8700,
) -> None:
    """Run the sandbox bank alone (set SANDBOX_BANK_API_KEY and SANDBOX_BANK_WEBHOOK_SECRET)."""
    from hutong.server.funding.sandbox_bank import main as bank_main

    sys.argv = ["sandbox-bank", "--port", str(port)]
    bank_main()


def _default_key() -> Path:
    return Path(
        os.environ.get("HUTONG_DEVELOPER_KEY") or Path.home() / ".config" / "hutong" / "developer.pem"
    )


@app.command()
def build(
    directory: Annotated[Path, typer.Argument(help="The mini program project.")],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="A folder for the bundles, or NAME.ma for a signed package."),
    ] = Path("build"),
    key: Annotated[
        Path | None, typer.Option(help="Developer key (PEM) to sign a .ma; default $HUTONG_DEVELOPER_KEY.")
    ] = None,
    version: Annotated[str, typer.Option(help="Version name for the package manifest.")] = "1.0.0",
    version_code: Annotated[int, typer.Option(help="Version code for the package manifest.")] = 1,
) -> None:
    """Compile a mini program into its runtime bundles, or into a signed .ma package."""
    from hutong.compiler import CompileError, build_project

    try:
        result = build_project(directory)
    except CompileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if output.suffix == ".ma":
        _write_package(directory, result, output, key or _default_key(), version, version_code)
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, data in result.files.items():
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    typer.echo(f"compiled {directory} into {output} ({len(result.files)} files)")


def _signed_package(
    directory: Path, result: BuildResult, key_path: Path, version: str, version_code: int
) -> bytes:
    """The project as a .ma package signed with the developer key at ``key_path``."""
    from hutong.compiler import CompileError
    from hutong.compiler.package import PackageInfo, pack
    from hutong.compiler.signing import SignatureError, load_private_key

    if not key_path.is_file():
        typer.echo(
            f"error: no developer key at {key_path}; run `hutong keygen` and register its public key "
            "with your organization (console → organization → signing keys)",
            err=True,
        )
        raise typer.Exit(1)
    config = result.project.project_config if result.project else {}
    appid = str(config.get("appid") or directory.resolve().name)
    info = PackageInfo(
        app_id=appid,
        name=str(config.get("projectname") or appid),
        version_name=version,
        version_code=version_code,
    )
    try:
        return pack(result, info, load_private_key(key_path.read_bytes()))
    except (CompileError, SignatureError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def _write_package(
    directory: Path, result: BuildResult, output: Path, key_path: Path, version: str, version_code: int
) -> None:
    """`hutong build -o NAME.ma`: pack the compiled bundles and sign them with the developer key."""
    data = _signed_package(directory, result, key_path, version, version_code)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    typer.echo(f"packed {directory} into {output} ({len(data)} bytes, signed)")


@app.command()
def dev(
    directory: Annotated[Path, typer.Argument(help="The mini program project.")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the local platform keeps its data (default: a temp folder).")
    ] = None,
) -> None:
    """Watch a mini program, rebuild what changes, and serve it with live reload."""
    import asyncio

    from hutong.compiler import CompileError
    from hutong.compiler.project import find_root
    from hutong.devserver import dev_server
    from hutong.devserver import serve as serve_dev
    from hutong.logs import configure_logging
    from hutong.server.db.migrate import bring_up_to_date
    from hutong.settings import Settings

    try:
        _, project_config = find_root(directory)
    except CompileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    appid = str(project_config.get("appid") or directory.resolve().name)
    settings = Settings(data_dir=data_dir or Path(tempfile.gettempdir()) / f"hutong-dev-{appid}")
    configure_logging(settings.log_level, settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    from hutong.server.sealing import Keyring

    bring_up_to_date(settings.effective_database_url, keyring=Keyring.from_settings(settings))
    server, session = dev_server(directory, settings, host, port)
    typer.echo(f"Open http://{host}:{port}/?open={session.appid} in a browser; watching {directory}")
    asyncio.run(serve_dev(server, session))


@app.command()
def check(
    directory: Annotated[Path, typer.Argument(help="The mini program project.")],
    pages: Annotated[str, typer.Option(help="'all' pages, or 'first' for the entry page only.")] = "all",
    screenshots: Annotated[
        Path | None, typer.Option(help="Write a screenshot of every page into this folder.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each page's first content.")] = 10.0,
    allow_domain: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-domain",
            metavar="ORIGIN",
            help="Let the app reach this origin in this run (request, upload, download, and the ws(s) "
            "form for sockets); repeatable. Requests elsewhere still count as refused.",
        ),
    ] = None,
    allow_any_domain: Annotated[
        bool,
        typer.Option(
            "--allow-any-domain",
            help="BYPASS: do not enforce the domain allow-list at all (as hutong dev); the report says so.",
        ),
    ] = False,
    jobs: Annotated[
        int, typer.Option(min=1, help="Pages open at once, each in its own fresh browser profile.")
    ] = 3,
) -> None:
    """Compile, open every page in headless Chromium, and report what renders and what breaks."""
    import asyncio

    from hutong.check.domains import OriginError, parse_origin
    from hutong.check.runner import check_project

    for origin in allow_domain or []:
        try:
            parse_origin(origin)
        except OriginError as error:
            raise typer.BadParameter(str(error), param_hint="--allow-domain") from None
    report = asyncio.run(
        check_project(
            directory,
            timeout_ms=timeout * 1000,
            screenshots=screenshots,
            pages=pages,
            allow_domains=list(allow_domain or []),
            allow_any_domain=allow_any_domain,
            jobs=jobs,
        )
    )
    typer.echo(report.to_json() if as_json else report.to_text())
    if not report.passed:
        raise typer.Exit(1)


@app.command("compat-doc")
def compat_doc(
    output: Annotated[Path, typer.Option(help="Where to write the document.")] = Path(
        "docs/compatibility.md"
    ),
) -> None:
    """Write docs/compatibility.md from the runtime's own registries (APIs and components)."""
    import asyncio

    from hutong.compat_doc import generate

    output.write_text(asyncio.run(generate()), encoding="utf-8")
    typer.echo(f"wrote {output}")


@app.command()
def keygen(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the key (PEM).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing key.")] = False,
) -> None:
    """Create a developer signing key (Ed25519)."""
    from hutong.compiler.signing import generate_key, private_key_pem, public_key_hex

    path = output or _default_key()
    if path.exists() and not force:
        typer.echo(f"error: {path} exists; pass --force to replace it", err=True)
        raise typer.Exit(1)
    key = generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(private_key_pem(key))
    typer.echo(f"wrote {path}\npublic key: {public_key_hex(key)}")


@app.command()
def verify(
    package: Annotated[Path, typer.Argument(help="The .ma package.")],
    developer: Annotated[str | None, typer.Option(help="Require this developer public key (hex).")] = None,
) -> None:
    """Check a package's signature; a package changed after signing is refused."""
    from hutong.compiler.signing import SignatureError
    from hutong.compiler.signing import verify as verify_package

    try:
        verified = verify_package(package.read_bytes())
    except SignatureError as error:
        typer.echo(f"error: {package}: {error}", err=True)
        raise typer.Exit(1) from None
    signer = verified.developer
    if developer is not None and signer.public_key.hex() != developer.lower():
        typer.echo(f"error: {package}: signed by {signer.public_key.hex()}, not by {developer}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{package}: signature OK\ndeveloper key: {signer.public_key.hex()}")
    if verified.platform:
        typer.echo(f"platform key: {verified.platform.public_key.hex()}")


def _client() -> PlatformClient:
    from hutong.cli.platform import PlatformClient

    saved = config.load()
    if not saved.get("token"):
        typer.echo("error: not signed in; run `hutong login` first", err=True)
        raise typer.Exit(1)
    return PlatformClient(saved["server"], saved["token"])


def _appid_of(directory: Path, appid: str | None) -> str:
    if appid:
        return appid
    project_config = directory / "project.config.json"
    if project_config.exists():
        found = json.loads(project_config.read_text(encoding="utf-8")).get("appid")
        if found:
            return str(found)
    typer.echo("error: give --appid (project.config.json has none)", err=True)
    raise typer.Exit(1)


@app.command()
def login(
    server: Annotated[str, typer.Option(help="The platform's address.")] = "http://127.0.0.1:8000",
    email: Annotated[str, typer.Option(prompt=True, help="Your account's email.")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="HUTONG_PASSWORD", help="Your password.")
    ] = "",
) -> None:
    """Sign in and keep a personal API token in ~/.config/hutong/cli.json (readable by you only)."""
    import httpx

    from hutong.cli.platform import PlatformClient, PlatformError

    client = PlatformClient(server)
    try:
        token = client.create_token(email, password, "hutong CLI")
    except (PlatformError, httpx.HTTPError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    path = config.save({"server": server, "token": token["token"], "email": email})
    typer.echo(f"signed in to {server} as {email}; token saved in {path}")


@app.command()
def upload(
    directory: Annotated[Path, typer.Argument(help="The mini program project folder.")],
    version: Annotated[str, typer.Option("--version", "-v", help="Version number, like 1.2.0.")],
    desc: Annotated[str, typer.Option("--desc", "-d", help="What changed.")] = "",
    appid: Annotated[str | None, typer.Option(help="Defaults to project.config.json's appid.")] = None,
    key: Annotated[
        Path | None, typer.Option(help="Developer key (PEM) to sign with; default $HUTONG_DEVELOPER_KEY.")
    ] = None,
) -> None:
    """Build the project, sign it as a .ma package with your developer key and upload it; the platform
    checks the signature against your organization's registered keys and compiles it."""
    import httpx

    from hutong.cli.platform import PlatformError
    from hutong.compiler import CompileError, build_project

    if not directory.is_dir():
        typer.echo(f"error: {directory} is not a folder", err=True)
        raise typer.Exit(1)
    target = _appid_of(directory, appid)
    try:
        result = build_project(directory)
    except CompileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    data = _signed_package(directory, result, key or _default_key(), version, 1)
    client = _client()
    try:
        with typer.progressbar(length=len(data), label=f"uploading {len(data) // 1024 + 1} KB") as bar:
            created = client.upload(target, data, version, desc, bar.update)
    except (PlatformError, httpx.HTTPError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    typer.echo(
        f"uploaded {target} {created['version']} (version id {created['id']}), compiled by the platform"
    )


@app.command()
def preview(
    directory: Annotated[Path, typer.Argument(help="The project folder (for its appid).")] = Path("."),
    appid: Annotated[str | None, typer.Option(help="Defaults to project.config.json's appid.")] = None,
) -> None:
    """Print the trial version's QR code and link."""
    import httpx
    import segno

    from hutong.cli.platform import PlatformError

    target = _appid_of(directory, appid)
    client = _client()
    try:
        url = client.trial_link(target)
    except (PlatformError, httpx.HTTPError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    segno.make(url, error="m").terminal(compact=True)
    typer.echo(url)


@app.command()
def operator(
    email: Annotated[str, typer.Argument(help="The account to change.")],
    role: Annotated[str, typer.Option(help="reviewer, admin, or none to revoke.")] = "reviewer",
) -> None:
    """Grant or revoke a platform operator role (run on the server)."""
    import asyncio

    from hutong.server.accounts.service import set_operator_role
    from hutong.server.db import Database
    from hutong.settings import get_settings

    _prepare()
    settings = get_settings()

    async def run() -> None:
        database = Database.of_settings(settings)
        try:
            async with database.session() as session:
                await set_operator_role(session, email, None if role == "none" else role)
        finally:
            await database.dispose()

    try:
        asyncio.run(run())
    except Exception as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{email}: operator role {role}")


if __name__ == "__main__":
    app()
