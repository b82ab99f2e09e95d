"""`hutong`: serve the platform, run the demo, migrate, build mini programs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

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


@app.command()
def check(
    directory: Annotated[Path, typer.Argument(help="The mini program project.")],
    pages: Annotated[str, typer.Option(help="'all' pages, or 'first' for the entry page only.")] = "all",
    screenshots: Annotated[
        Path | None, typer.Option(help="Write a screenshot of every page into this folder.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each page's first content.")] = 10.0,
) -> None:
    """Compile, open every page in headless Chromium, and report what renders and what breaks."""
    from hutong.check.runner import check_project  # Playwright loads only for this command

    report = asyncio.run(
        check_project(directory, timeout_ms=timeout * 1000, screenshots=screenshots, pages=pages)
    )
    typer.echo(report.to_json() if as_json else report.to_text())
    if not report.passed:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
