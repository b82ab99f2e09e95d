"""`hutong outbox`: run an outbox worker on its own (beside or instead of the server processes' own)."""

from __future__ import annotations

import signal
from typing import Annotated

import typer

app = typer.Typer(help="Durable outbound delivery (webhooks, notifications, message push).")


@app.command()
def run(
    modules: Annotated[
        list[str] | None,
        typer.Option("--import", help="Also import this module for its handlers (repeatable)."),
    ] = None,
) -> None:
    """Deliver due jobs until stopped (SIGINT or SIGTERM); any number may run at once."""
    import asyncio  # here, not at the top: `hutong --help` and `build` never start an event loop

    from hutong.logs import configure_logging
    from hutong.server import outbox
    from hutong.server.db import Database
    from hutong.server.sealing import Keyring
    from hutong.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    outbox.load_handlers(tuple(modules or ()))

    async def serve() -> None:
        # Handlers may open sealed secrets (merchant keys, push tokens): the sessions carry the keyring.
        database = Database(settings.effective_database_url, Keyring.from_settings(settings))
        worker = outbox.Worker(database, settings, poll_seconds=settings.outbox_poll_seconds)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, worker.request_stop)
        typer.echo(f"outbox worker {worker.name}: {', '.join(outbox.topics()) or 'no topics'}", err=True)
        try:
            await worker.run()  # until a signal asks it to stop; a try under way finishes first
        finally:
            await database.dispose()

    asyncio.run(serve())


if __name__ == "__main__":
    app()
