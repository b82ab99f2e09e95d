"""`hutong`: serve the platform, run the demo, migrate, build mini programs, and talk to a platform
(login, upload, preview) as a developer."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import httpx
import segno
import typer
import uvicorn

from hutong.cli import config
from hutong.cli.platform import PlatformClient, PlatformError, zip_project
from hutong.compiler import CompileError, build_project
from hutong.examples import load_examples
from hutong.logs import configure_logging
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade
from hutong.server.storage import BlobStore
from hutong.settings import get_settings

app = typer.Typer(help="Hutong: an open-source mini program platform.", no_args_is_help=True)


def _prepare() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    _prepare()
    upgrade(get_settings().effective_database_url)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the platform (run `hutong migrate` first)."""
    _prepare()
    uvicorn.run("hutong.server.app:create_app", factory=True, host=host, port=port, log_level="info")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    examples: Annotated[Path, typer.Option(help="Folder of example mini programs.")] = Path("examples"),
) -> None:
    """Migrate, load the example mini programs, and serve the platform."""
    _prepare()
    settings = get_settings()
    upgrade(settings.effective_database_url)

    async def load() -> list[str]:
        database = Database(settings.effective_database_url)
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
    typer.echo(f"Open http://{host}:{port}/ in a browser.")
    uvicorn.run("hutong.server.app:create_app", factory=True, host=host, port=port, log_level="info")


@app.command()
def build(
    directory: Annotated[Path, typer.Argument(help="The mini program project.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the compiled bundles.")] = Path(
        "build"
    ),
) -> None:
    """Compile a mini program into its runtime bundles."""
    try:
        result = build_project(directory)
    except CompileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    output.mkdir(parents=True, exist_ok=True)
    for name, data in result.files.items():
        (output / name).write_bytes(data)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"compiled {directory} into {output} ({len(result.files)} files)")


def _client() -> PlatformClient:
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
) -> None:
    """Upload the project; the platform compiles it into your development version."""
    if not directory.is_dir():
        typer.echo(f"error: {directory} is not a folder", err=True)
        raise typer.Exit(1)
    target = _appid_of(directory, appid)
    data = zip_project(directory)
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
    from hutong.server.accounts.service import set_operator_role

    _prepare()
    settings = get_settings()

    async def run() -> None:
        database = Database(settings.effective_database_url)
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
