"""`hutong serve` as OS processes of their own, forked from a process that has already imported the
platform (multiprocessing's fork server, one per test process, started on first use).

Importing the platform costs a few seconds of CPU (far more on a loaded machine); a test that starts,
kills and restarts servers paid it at every start. Each server here is still its own process, running
the CLI's ``serve`` command with its own environment from a fresh fork: it shares no state with the
tests' process and dies of a SIGKILL like any other."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
from multiprocessing.context import ForkServerContext, ForkServerProcess

# What `hutong serve` imports before it answers: imported once, in the fork server.
PRELOAD = ["hutong.cli.main", "hutong.server.app", "uvicorn"]

_context: ForkServerContext | None = None


def _fork_server() -> ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        assert isinstance(context, ForkServerContext)
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


def _serve(env: dict[str, str], port: int) -> None:
    """In the forked process: the test's environment, output discarded, then the CLI's serve."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.environ.clear()
    os.environ.update(env)
    from hutong.cli.main import app
    from hutong.settings import get_settings

    get_settings.cache_clear()  # read from this environment, never from the fork server's
    sys.argv = ["hutong", "serve", "--port", str(port)]
    app(prog_name="hutong")


class ServerProcess:
    """A started `hutong serve`, with asyncio.subprocess.Process's ``returncode``, ``pid``,
    ``send_signal`` and ``wait`` (a negative return code is the signal that ended it)."""

    def __init__(self, process: ForkServerProcess) -> None:
        assert process.pid is not None, "not started"
        self.process = process
        self.pid: int = process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def send_signal(self, number: int) -> None:
        if self.process.exitcode is None:
            os.kill(self.pid, number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    async def wait(self) -> int:
        await asyncio.to_thread(self.process.join)
        code = self.process.exitcode
        assert code is not None
        return code


def warm_up() -> None:
    """Start the fork server now, so that its imports run while the test sets up: it answers its
    first fork once they are done (this returns at once)."""
    from multiprocessing import forkserver

    _fork_server()
    forkserver.ensure_running()


async def start_server(env: dict[str, str], port: int) -> ServerProcess:
    """`hutong serve --port port` with ``env`` as its whole environment."""
    process = _fork_server().Process(target=_serve, args=(env, port), daemon=False)
    await asyncio.to_thread(process.start)  # the fork server's own start (once) takes seconds
    return ServerProcess(process)
