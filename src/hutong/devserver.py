"""`hutong dev`: watch a mini program, rebuild what changed, release it locally, reload the host page.

One ``DevSession`` per project. Each build reuses per-file results from a ``CompileCache`` (content
hash), is released on the local platform as version ``dev.<n>``, and is announced on a server-sent
events stream, ``GET /api/dev/events``. The host page served at ``/`` in dev mode has the production
policy (SHELL_CSP) and one more script, ``/_rt/host/devreload.js``, which reloads the page (and so
the running mini program) when a new build lands and shows compile errors over it until the next
good build.

An ``ext.json`` beside app.json is applied as WeChat's DevTools apply it and as an upload to a
provider's development app does (``providers.ext_config.debug_configs``): with ``"extEnable": true``
its keys are merged over app.json and ``wx.getExtConfigSync()`` answers its ``ext``; editing it
rebuilds like any other file, and a bad one is a build error.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import uvicorn
import watchfiles
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, StreamingResponse

from hutong.compiler import CompileError
from hutong.compiler.bundle import BuildResult, build_project
from hutong.compiler.cache import CompileCache
from hutong.compiler.project import find_root
from hutong.server.app import create_app, shell_response
from hutong.server.apps import service
from hutong.server.db import Database
from hutong.server.problems import Problem
from hutong.server.providers import ext_config
from hutong.server.storage import BlobStore
from hutong.settings import Settings

# The one development-only difference in the host page: the reload script, a platform file (the
# production policy's script-src 'self' allows it). The page keeps the production policy and the
# frames their sandbox.
RELOAD_SCRIPT = '<script type="module" src="/_rt/host/devreload.js" data-hutong-dev="reload"></script>'
_KEEPALIVE_SECONDS = 15.0


@dataclass
class BuildReport:
    generation: int
    ok: bool
    milliseconds: float
    recompiled: int
    message: str = ""

    def event(self) -> str:
        kind = "build" if self.ok else "compile-error"
        payload = {
            "generation": self.generation,
            "ms": round(self.milliseconds, 1),
            "recompiled": self.recompiled,
            "message": self.message,
        }
        return f"event: {kind}\ndata: {json.dumps(payload)}\n\n"


class DevSession:
    """One project under development: its cache, its releases, and who is listening."""

    def __init__(self, directory: Path, database: Database, store: BlobStore) -> None:
        self.directory = directory.resolve()
        self.database = database
        self.store = store
        self.cache = CompileCache()
        _, config = find_root(self.directory)
        self.appid = str(config.get("appid") or self.directory.name)
        self.name = str(config.get("projectname") or self.appid)
        self.generation = 0
        self.last: BuildReport | None = None
        self._listeners: set[asyncio.Queue[BuildReport]] = set()
        self._lock = asyncio.Lock()

    async def rebuild(self) -> BuildReport:
        """Compile (reusing unchanged files), release, and tell every listener."""
        async with self._lock:
            misses_before = self.cache.misses
            started = time.perf_counter()
            try:
                result: BuildResult = await asyncio.to_thread(self._build)
            except CompileError as error:
                report = BuildReport(self.generation, False, _ms(started), 0, str(error))
            except Problem as problem:  # a bad ext.json
                report = BuildReport(self.generation, False, _ms(started), 0, problem.detail)
            else:
                self.generation += 1
                async with self.database.session() as session:
                    await service.publish(
                        session,
                        self.store,
                        appid=self.appid,
                        name=self.name,
                        description="in development",
                        version=f"dev.{self.generation}",
                        build=result,
                    )
                recompiled = self.cache.misses - misses_before
                report = BuildReport(
                    self.generation, True, _ms(started), recompiled, "\n".join(result.warnings)
                )
            self.last = report
            for queue in self._listeners:
                queue.put_nowait(report)
            return report

    def _build(self) -> BuildResult:
        """The project compiled, with its ext.json applied as an upload applies it."""
        result = build_project(self.directory, self.cache)
        ext_file = find_root(self.directory)[0] / "ext.json"
        ext = ext_config.parse(ext_file.read_bytes() if ext_file.is_file() else None)
        if ext is None:
            return result
        files = {**result.files, **ext_config.debug_configs(result.files, ext, self.appid)}
        return replace(result, files=files)

    async def watch(self, stop: asyncio.Event) -> None:
        """Rebuild whenever files under the project change, until ``stop`` is set."""
        async for _ in watchfiles.awatch(self.directory, stop_event=stop, debounce=100, step=20):
            report = await self.rebuild()
            state = "ok" if report.ok else "failed"
            print(
                f"build {report.generation} {state} in {report.milliseconds:.0f} ms "
                f"({report.recompiled} file{'' if report.recompiled == 1 else 's'} recompiled)"
                + ("" if report.ok else f"\n{report.message}"),
                flush=True,
            )

    async def events(self) -> AsyncIterator[str]:
        """The server-sent events stream: the current generation, then every build as it lands."""
        queue: asyncio.Queue[BuildReport] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            yield f"event: hello\ndata: {json.dumps({'generation': self.generation})}\n\n"
            if self.last is not None and not self.last.ok:
                yield self.last.event()
            while True:
                try:
                    report = await asyncio.wait_for(queue.get(), _KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield report.event()
        finally:
            self._listeners.discard(queue)

    def install(self, app: FastAPI) -> None:
        """Add the events stream and the dev host page to a platform app (before its own routes)."""

        async def events() -> StreamingResponse:
            return StreamingResponse(
                self.events(),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )

        async def index() -> HTMLResponse:
            html: str = app.state.shell_html
            return shell_response(html.replace("</head>", f"{RELOAD_SCRIPT}\n</head>", 1))

        app.add_api_route("/api/dev/events", events, methods=["GET"], include_in_schema=False)
        app.add_api_route("/", index, methods=["GET"], include_in_schema=False)
        # Routes match in order: put ours ahead of the platform's own "/".
        ours = app.router.routes[-2:]
        del app.router.routes[-2:]
        app.router.routes[0:0] = ours


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def serve(server: uvicorn.Server, session: DevSession) -> None:
    """Build once, then serve and rebuild on every change until the server is told to exit."""
    report = await session.rebuild()
    print(
        f"build {report.generation} {'ok' if report.ok else 'failed'} in {report.milliseconds:.0f} ms"
        + ("" if report.ok else f"\n{report.message}"),
        flush=True,
    )
    stop = asyncio.Event()
    watcher = asyncio.create_task(session.watch(stop))
    try:
        await server.serve()
    finally:
        stop.set()
        await watcher


def dev_server(
    directory: Path, settings: Settings, host: str, port: int
) -> tuple[uvicorn.Server, DevSession]:
    """The platform app with a dev session installed, ready for ``serve``."""
    app = create_app(settings)
    session = DevSession(directory, app.state.database, app.state.blobs)
    session.install(app)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1)
    return uvicorn.Server(config), session
