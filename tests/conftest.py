"""Shared fixtures: real databases (SQLite and the local PostgreSQL), a live server, real Chromium."""

from __future__ import annotations

import asyncio
import io
import os
import queue
import secrets
import shutil
import sqlite3
import ssl
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import httpx._transports.default as httpx_transports
import pytest
from playwright.async_api import Browser, FrameLocator, Locator, Page, Worker, async_playwright, expect
from playwright.async_api import Error as PlaywrightError

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from hutong.compiler import build_project
from hutong.examples import demo_organization, load_examples
from hutong.server.accounts import passwords
from hutong.server.apps import service as apps_service
from hutong.server.db import Database
from hutong.server.db.migrate import downgrade, fresh_sqlite, upgrade
from hutong.server.delivery.runtime_assets import runtime_assets
from hutong.server.embedded import embedded_server
from hutong.server.sealing import Keyring
from hutong.server.storage import BlobStore
from hutong.server.wechatpay import crypto
from hutong.settings import Settings
from tests import rsakeys
from tests.browser_pool import ContextPool

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Small mini programs written for the tests, one behaviour each; loaded beside the examples.
TEST_APPS = Path(__file__).resolve().parent / "apps"
# Mini programs that try to escape their sandbox (tests/hostile); released beside the others.
HOSTILE_APPS = Path(__file__).resolve().parent / "hostile" / "apps"
# A browser assertion waits up to 15 s: on a loaded 2-core machine, 5 s is too tight, and waiting
# longer only costs time when a test is failing anyway.
expect.set_options(timeout=15_000)

# Hundreds of sign-ups: at Argon2id's real cost they would take minutes of CPU (production keeps the
# defaults; tests/platform/test_accounts.py checks that).
passwords.use_cheap_parameters_for_tests()
# Merchant and platform RSA keys made from a pool of primes, every one distinct (tests/rsakeys.py):
# generating each would cost about 0.1 s of CPU, and a payments test makes two or more.
crypto.use_key_source_for_tests(rsakeys.new_rsa_key)


# The tests' own httpx clients (a few per test, in about 70 places) share the default TLS context, as
# the platform's do (server/tls.py): each built its own, loading the CA bundle (~30 ms of CPU here,
# ~3% of the payments packages' Python CPU). Only the default (verify=True, no cert) is shared, one
# per CA bundle the environment names.
@cache
def _default_ssl_context(trust_env: bool, cafile: str | None, capath: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=trust_env)  # reads cafile and capath from the environment


def _shared_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
    if verify is True and cert is None:
        environment = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
        return _default_ssl_context(trust_env, *environment)
    return httpx.create_ssl_context(verify, cert, trust_env)


httpx_transports.create_ssl_context = _shared_ssl_context  # type: ignore[attr-defined]

POSTGRES_ADMIN = os.environ.get("HUTONG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _in_thread(coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run admin work on its own loop in a thread, so sync fixtures can use asyncpg."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine_factory())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _drop_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _Cleaner:
    """Downgrades and drops the tests' databases in a thread of its own, off the tests' path: a
    PostgreSQL ``DROP DATABASE`` forces a checkpoint (seconds on a busy machine), and a downgrade is
    mostly waiting on DDL round trips. The jobs run in order; the session's end waits for them and
    fails with any that failed (named by the test that left the database)."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[str, Callable[[], None]] | None] = queue.Queue()
        self.errors: list[str] = []
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def put(self, label: str, job: Callable[[], None]) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="test-db-cleaner", daemon=True)
                self.thread.start()
        self.jobs.put((label, job))

    def drop(self, name: str) -> None:
        self.put(
            f"DROP DATABASE {name}",
            lambda: asyncio.run(_drop_database(name)),
        )

    def _run(self) -> None:
        while (item := self.jobs.get()) is not None:
            label, job = item
            try:
                job()
            except BaseException as error:  # reported at the session's end
                self.errors.append(f"{label}: {error!r}")

    def finish(self) -> list[str]:
        with self.lock:
            if self.thread is not None:
                self.jobs.put(None)
                self.thread.join()
                self.thread = None
        return self.errors


_CLEANER = _Cleaner()


@pytest.fixture(scope="session", autouse=True)
def _clean_up_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Under xdist each worker's temp folder is in the run's own: the claims go beside them.
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    _CLAIMS[:] = [shared / "downgrade-claims"]
    _CLAIMS[0].mkdir(exist_ok=True)
    yield
    _downgrade_kept()
    errors = _CLEANER.finish()
    while not _RECYCLED.empty():
        _in_thread(partial(_drop_database, _RECYCLED.get_nowait()))
    assert not errors, "a test database did not downgrade or drop cleanly:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards. Fails, never skips, when absent."""
    name = f"hutong_test_{secrets.token_hex(4)}"
    _in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    _CLEANER.drop(name)


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A PostgreSQL database of one's own (for a module or a live server), dropped afterwards."""
    name = f"hutong_scratch_{secrets.token_hex(4)}"
    _in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        _CLEANER.drop(name)


@contextmanager
def scratch_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database URL of ``kind`` ("sqlite" or "postgres"), not yet migrated."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'scratch.db'}"
    else:
        with scratch_postgres() as url:
            yield url


def _copy_sqlite(source: Path, target: Path) -> None:
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


# The databases migrated from empty once per process (per xdist worker), copied for every test or
# server that needs one at the newest migration: copying takes milliseconds, migrating seconds.
_TEMPLATE_LOCK = threading.Lock()
_TEMPLATES: dict[str, str] = {}  # "sqlite": the template's path; "postgres": its database name


def _postgres_base() -> str:
    return POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")


def _template(kind: str) -> str:
    """The migrated template of ``kind``, made on first use (blocking: call it off the event loop)."""
    with _TEMPLATE_LOCK:
        if kind not in _TEMPLATES:
            if kind == "sqlite":
                path = Path(tempfile.mkdtemp(prefix="hutong-template-")) / "template.db"
                # A copy of the template `hutong check` keeps in the user's cache folder, migrated
                # once per set of migrations (not once per worker and run: under a full run's load,
                # a migration from empty took 10 to 20 s; tests/platform/test_sealing.py and the
                # PostgreSQL template still migrate from empty every run).
                fresh_sqlite(path)
                _TEMPLATES[kind] = str(path)
            else:
                name = f"hutong_template_{secrets.token_hex(4)}"
                _in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))
                upgrade(f"{_postgres_base()}/{name}")
                _in_thread(lambda: _TEMPLATE_STATE.read(name))
                _TEMPLATES[kind] = name
        return _TEMPLATES[kind]


def _database_dsn(name: str) -> str:
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


class _TemplateState:
    """What a PostgreSQL test database holds at the newest migration (the template's tables, the rows
    migrations seed, the sequences' positions), so that a test's database can be put back to it and
    used again (``_recycle``) instead of dropped: every DROP DATABASE forces a checkpoint, and every
    CREATE DATABASE … TEMPLATE writes the template's 12 MB again."""

    def __init__(self) -> None:
        self.version = ""
        self.tables: list[str] = []
        self.rows: dict[str, bytes] = {}  # table -> its rows in COPY's binary format
        self.sequences: list[tuple[str, int, bool]] = []  # (name, value, is_called) for setval

    async def read(self, name: str) -> None:
        connection = await asyncpg.connect(_database_dsn(name))
        try:
            self.version = await connection.fetchval("SELECT version_num FROM alembic_version")
            self.tables = await self._tables(connection)
            for table in self.tables:
                if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                    buffer = io.BytesIO()
                    await connection.copy_from_table(table, output=buffer, format="binary")
                    self.rows[table] = buffer.getvalue()
            # Every sequence, owned by a column or not: where it stood (never used: at its start).
            self.sequences = [
                (f'"public"."{row[0]}"', row[1] if row[1] is not None else row[2], row[1] is not None)
                for row in await connection.fetch(
                    "SELECT sequencename, last_value, start_value FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
            ]
        finally:
            await connection.close()

    @staticmethod
    async def _tables(connection: asyncpg.Connection) -> list[str]:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            " ORDER BY tablename"
        )
        return [row[0] for row in rows]

    async def restore(self, name: str) -> bool:
        """Empty ``name`` back to the template's state; False when its schema is not the template's
        (a test that migrated it), which is then dropped instead."""
        await _admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        connection = await asyncpg.connect(_database_dsn(name))
        try:
            version = await connection.fetchval("SELECT version_num FROM alembic_version")
            if version != self.version or await self._tables(connection) != self.tables:
                return False
            async with connection.transaction():
                listed = ", ".join(f'"{table}"' for table in self.tables)
                await connection.execute(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
                # The template's own rows, consistent as they are: no foreign key checks on the way in.
                await connection.execute("SET LOCAL session_replication_role = replica")
                for table, rows in self.rows.items():
                    await connection.copy_to_table(table, source=io.BytesIO(rows), format="binary")
                for sequence, value, called in self.sequences:
                    await connection.execute("SELECT setval($1::regclass, $2, $3)", sequence, value, called)
            return True
        finally:
            await connection.close()


_TEMPLATE_STATE = _TemplateState()
# Test databases put back to the template's state by the cleaner, ready for the next test.
_RECYCLED: queue.SimpleQueue[str] = queue.SimpleQueue()


def _recycle(name: str) -> None:
    """In the cleaner's thread: put a test's PostgreSQL database back for another test, or drop it."""

    def job() -> None:
        restored = False
        try:
            restored = asyncio.run(_TEMPLATE_STATE.restore(name))
        finally:
            if restored:
                _RECYCLED.put(name)
            else:
                asyncio.run(_drop_database(name))

    _CLEANER.put(f"recycling {name}", job)


@pytest.fixture(scope="session", autouse=True)
def _drop_templates() -> Iterator[None]:
    yield
    with _TEMPLATE_LOCK:
        if "sqlite" in _TEMPLATES:
            shutil.rmtree(Path(_TEMPLATES.pop("sqlite")).parent, ignore_errors=True)
        if "postgres" in _TEMPLATES:
            name = _TEMPLATES.pop("postgres")
            _in_thread(partial(_drop_database, name))


async def migrate(url: str) -> None:
    """Bring the new, empty database at ``url`` (SQLite or PostgreSQL) to the newest migration, as
    ``upgrade_async(url)`` would, by copying the process's template of it."""
    if url.startswith("sqlite"):
        template = await asyncio.to_thread(_template, "sqlite")
        await asyncio.to_thread(_copy_sqlite, Path(template), Path(url.split(":///", 1)[1]))
        return
    template = await asyncio.to_thread(_template, "postgres")
    name = url.rsplit("/", 1)[1]
    # The empty one is renamed out of the way, not dropped here (a drop waits for a checkpoint).
    aside = f"{name}_empty"
    await _admin(f'ALTER DATABASE "{name}" RENAME TO "{aside}"')
    _CLEANER.drop(aside)
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@pytest.fixture(scope="session")
async def migrated_sqlite() -> Path:
    """A SQLite database migrated from empty once per session (per xdist worker), copied for each test."""
    return Path(await asyncio.to_thread(_template, "sqlite"))


@pytest.fixture(scope="session")
async def migrated_postgres() -> str:
    """The name of a PostgreSQL database migrated from empty once per session (per xdist worker): the
    template each test's database is created from, dropped afterwards."""
    return await asyncio.to_thread(_template, "postgres")


def _downgrade_and_drop_later(label: str, url: str, data_dir: Path, name: str | None = None) -> None:
    """Downgrade to empty, the test's rows in place, which also proves every migration reverses
    cleanly (opening what was sealed with the master key of the test's data dir); then drop a
    PostgreSQL ``name``. Both in the cleaner's thread."""
    keyring = Keyring.from_settings(Settings(data_dir=data_dir))
    _CLEANER.put(label, lambda: downgrade(url, "base", keyring))
    if name is not None:
        _CLEANER.drop(name)


# Each test package's latest data-layer database per kind, kept until this worker leaves the package:
# (package folder, kind) -> (its URL, its PostgreSQL name or None, the test's data dir, the test's nodeid).
_KEPT_FOR_DOWNGRADE: dict[tuple[str, str], tuple[str, str | None, Path, str]] = {}


def _package(nodeid: str) -> str:
    return str(Path(nodeid.split("::", 1)[0]).parent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """The downgrade with rows in place runs on the last data-layer database of each kind a worker
    made in a test package (tests/payments, tests/wallet...) before it moved on to a file of another
    package. A downgrade costs about a second of CPU on SQLite, whose ALTERs copy tables, and a third
    of one plus the server's DDL on PostgreSQL: for each of several hundred tests it was a fifth of
    the suite; once per module it was still a fifth of the CPU of tests/payments and tests/wallet
    (xdist hands out the largest files first, so a package's files reach a worker in a few runs,
    not one: payments, wallet and ledger went from 54 downgrades to 24), and once per package and kind
    in a run it is still what it proves (``_first_downgrade_of``). A package's modules test one
    domain's tables, so its last database has rows where its migrations must reverse."""
    try:
        return (yield)
    finally:
        # (After the session's last test, _clean_up_databases takes what is left.)
        package = _package(item.nodeid)
        if nextitem is not None and _package(nextitem.nodeid) != package:
            _downgrade_kept(package)


def _downgrade_kept(package: str | None = None) -> None:
    """Hand the kept databases of ``package`` (of every package: None) to the cleaner: downgraded if
    theirs is the run's first of that package and kind, else put back for reuse."""
    for key in [key for key in _KEPT_FOR_DOWNGRADE if package is None or key[0] == package]:
        url, name, data_dir, test = _KEPT_FOR_DOWNGRADE.pop(key)
        if _first_downgrade_of(*key):
            _downgrade_and_drop_later(f"downgrading {test}", url, data_dir, name)
        elif name is not None:
            _recycle(name)


# Where this run's workers claim their downgrades (the run's temp folder, which every worker shares).
_CLAIMS: list[Path] = []


def _first_downgrade_of(package: str, kind: str) -> bool:
    """Claim the run's one downgrade of ``package`` on ``kind``, for whichever worker leaves that
    package first. xdist hands a package's files out in several runs to both workers, and each worker
    downgraded a database at every change of package: 132 downgrades in a full run (each ~1 s of the
    cleaner thread's CPU and ~3 s of its time on SQLite, ~0.3 s and ~1.6 s on PostgreSQL plus the
    server's DDL), against 32 now. One per package and kind keeps what they prove: every migration
    reverses with that domain's rows in place."""
    if not _CLAIMS:
        return True
    claim = _CLAIMS[0] / f"{package.replace('/', '.')}.{kind}"
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


# The databases a test runs on. Both by default: a test whose assertions depend on what the database
# does (money, constraints, transactions, concurrency, crashes, migrations, idempotency, an API's data)
# runs on each. A browser journey or a console page's test, whose database work the API tests already
# run on both, names PostgreSQL (production's) alone with `on_databases`; the rule and its exceptions
# are in docs/ARCHITECTURE.md, "Tests".
DATABASES = ("sqlite", "postgres")


def on_databases(*kinds: str, fixture: str = "database_url") -> pytest.MarkDecorator:
    """Run a test (or, as ``pytestmark``, a module) on these database kinds only: the mark parametrizes
    ``fixture``, a fixture whose ``request.param`` is a kind (``database_url``, or a module's own server
    fixture with ``params=DATABASES``), in place of its own params; the fixture keeps its scope, so a
    module-scoped server is still set up once per kind."""
    if not kinds or not set(kinds) <= set(DATABASES):
        raise ValueError(f"database kinds are {DATABASES}, not {kinds}")
    return pytest.mark.parametrize(fixture, kinds, indirect=True)


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each data-layer test runs on SQLite and on PostgreSQL, on a database of its own at the newest
    migration: a copy of one migrated from empty at the start of the session (copying takes
    milliseconds, migrating seconds, and this runs for every data-layer test). The package's last one
    of each kind is downgraded to empty with its rows in place (above); all are dropped in the
    background."""
    test = request.node.nodeid
    name: str | None = None
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        await asyncio.to_thread(_copy_sqlite, Path(await asyncio.to_thread(_template, "sqlite")), path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        template = await asyncio.to_thread(_template, "postgres")
        try:
            name = _RECYCLED.get_nowait()
        except queue.Empty:
            name = f"hutong_test_{secrets.token_hex(4)}"
            await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = f"{_postgres_base()}/{name}"
    yield url
    key = (_package(test), request.param)
    replaced = _KEPT_FOR_DOWNGRADE.get(key)
    _KEPT_FOR_DOWNGRADE[key] = (url, name, tmp_path, test)
    if replaced is not None and replaced[1] is not None:
        _recycle(replaced[1])


@pytest.fixture
async def database(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    """The test's database, sealing with the master key of the tests' data dir (tmp_path) as the
    fixture's downgrade opens it."""
    db = Database(database_url, Keyring.from_settings(Settings(data_dir=tmp_path)))
    yield db
    await db.dispose()


@dataclass
class LiveServer:
    url: str
    settings: Settings

    @property
    def runtime(self) -> str:
        """The runtime's versioned root as pages load it (the same files, so the same version)."""
        return self.url + runtime_assets().base


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[LiveServer]:
    """The platform for ``settings`` (already migrated) on a loopback port, in a thread of its own."""
    async with embedded_server(settings) as url:
        yield LiveServer(url, settings.model_copy(update={"public_url": url}))


@pytest.fixture(scope="session")
async def live_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """The platform on a loopback port, on SQLite, with every example mini program released."""
    data_dir = tmp_path_factory.mktemp("hutong-data")
    settings = Settings(data_dir=data_dir)
    await migrate(settings.effective_database_url)
    db = Database.of_settings(settings)
    await load_examples(db, BlobStore(settings.blob_dir), EXAMPLES)
    for apps in (TEST_APPS, HOSTILE_APPS):
        if apps.is_dir():
            await load_examples(db, BlobStore(settings.blob_dir), apps)
    await db.dispose()
    async with serve(settings) as server:
        yield server


async def publish_project(
    settings: Settings, project: Path, appid: str, version: str, name: str = ""
) -> None:
    """Build ``project`` and release it as ``appid`` ``version`` to everyone, in the demo organization."""
    db = Database.of_settings(settings)
    try:
        async with db.session() as session:
            org = await demo_organization(session)
            await apps_service.publish(
                session,
                BlobStore(settings.blob_dir),
                appid=appid,
                name=name or appid,
                description="",
                version=version,
                build=build_project(project),
                organization_id=org.id,
            )
            await session.commit()
    finally:
        await db.dispose()


async def allow_domains(server: LiveServer, appid: str, domains: dict[str, list[str]]) -> None:
    """Set an app's allowed origins straight in the database: the tests' back ends are loopback http
    origins, which the platform's API refuses (it takes https/wss domain names only). The next launch's
    manifest carries them."""
    from sqlalchemy import select

    from hutong.server.apps.models import DOMAIN_KINDS, App

    db = Database.of_settings(server.settings)
    try:
        async with db.session() as session:
            app = await session.scalar(select(App).where(App.appid == appid))
            assert app is not None, appid
            app.domains = {kind: list(domains.get(kind, [])) for kind in DOMAIN_KINDS}
            await session.commit()
    finally:
        await db.dispose()


# The session's browser and its context pool once launched (by the fixture below).
_POOLS: list[ContextPool] = []


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """The session's Chromium. Its option-less new_page() and new_context() give a context from a pool
    of cleaned ones (tests/browser_pool.py; tests marked fresh_context get a new one)."""
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pool = ContextPool(instance)
        pool.install()
        _POOLS.append(pool)
        yield instance
        _POOLS.remove(pool)
        await pool.close()
        await instance.close()


@pytest.fixture
def context_pool(browser: Browser) -> ContextPool:
    """The pool behind ``browser`` (tests/test_browser_pool.py looks inside it)."""
    return next(pool for pool in _POOLS if pool.browser is browser)


@pytest.fixture(autouse=True)
async def _end_the_tests_contexts(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """When a test ends (after its own fixtures' teardown): the pooled contexts it used are cleaned for
    the next test, and any other context it opened is closed with its pages. Left open, a test's pages
    kept running in the session's browser until the worker's end: timers, autoplaying swipers and
    audio, each in renderer processes of their own, taking CPU from the tests that came after.
    Contexts that existed before the test (a wider-scoped fixture's) are left alone."""
    fresh = request.node.get_closest_marker("fresh_context") is not None
    for pool in _POOLS:
        pool.enabled = not fresh
    before = {id(context) for pool in _POOLS for context in pool.browser.contexts}
    yield
    for pool in _POOLS:
        await pool.release()
        pool.enabled = True
        for context in pool.browser.contexts:
            if id(context) not in before and not pool.owns(context):
                await context.close()


@pytest.fixture(scope="session")
def examples_dir() -> Iterator[Path]:
    yield EXAMPLES


@dataclass
class OpenedApp:
    """A mini program running in the host, in a fresh browser context."""

    page: Page
    errors: list[str]  # uncaught errors in the host page and messages shown in the developer panel

    def view(self, index: int = -1) -> FrameLocator:
        """The page frame at ``index`` of the stack (the top one by default)."""
        return self.page.frame_locator("iframe.hutong-page").nth(index)

    async def dev_panel_text(self) -> str:
        return await self.page.locator("#dev-panel").text_content() or ""


async def wait_until(page: Page, expression: str, seconds: float = 15) -> None:
    """Wait until ``expression`` is true in ``page``. Polled from here, not with wait_for_function: the
    host page's and the frames' policies refuse the eval its string predicates need."""
    for _ in range(int(seconds * 20)):
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {expression}")


async def logic_without_a_gesture(page: Page, expression: str, seconds: float = 15) -> Worker:
    """The app's logic worker once ``expression`` (evaluated in it) is true, found without touching the
    host page or its frames. Playwright's evaluations there, `expect` included, count as user gestures
    (CDP's userGesture), which give the host page a transient activation for 5 s: a test of what the
    host refuses without a tap waits this way instead of letting one lapse."""
    for _ in range(int(seconds * 20)):
        worker = next((w for w in page.workers if w.url.startswith("data:")), None)
        try:
            if worker is not None and await worker.evaluate(expression):
                return worker
        except PlaywrightError:
            pass  # the worker has not run the runtime yet (getCurrentPages is not defined)
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true in the logic worker: {expression}")


async def wait_until_drawn(target: Locator, seconds: float = 15) -> None:
    """Wait until the page frame holding ``target`` is drawn where ``target`` is, as a person waits to
    see a page before tapping it; then click.

    For a frame the host shows again (navigateBack, switchTab to an open tab, an app back from the
    background) un-hiding it is one DOM change, so Playwright's checks pass at once; but Chromium sends
    input where its last drawn frame says, and until the shown frame has been drawn, a click at its place
    goes to the host page (to the ``iframe`` element) and the page never hears it: under load, one click
    74 ms after the un-hide was lost so, and three in four within milliseconds of it. No person can tap
    a page before it appears. This moves the mouse over ``target`` (a pixel to and fro, so each move is
    a move) until the frame hears it; a move with no button down is no touch event (view/events.js).
    Its evaluations in the frame count as a user gesture, as the click after it does anyway."""
    await target.evaluate(
        "el => { el.__pointerSeen = false;"
        " el.addEventListener('pointermove', () => { el.__pointerSeen = true }, { once: true }) }"
    )
    for attempt in range(int(seconds * 20)):
        box = await target.bounding_box()
        if box is not None:
            x = box["x"] + box["width"] / 2 + 1 - attempt % 2
            await target.page.mouse.move(x, box["y"] + box["height"] / 2)
            if await target.evaluate("el => el.__pointerSeen"):
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the pointer over {target} never reached its page frame")


async def open_app(browser: Browser, server: LiveServer, appid: str, query: str = "") -> OpenedApp:
    """Open ``appid`` in the host shell and wait until its first page frame exists."""
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{server.url}/?open={appid}{query}")
    await expect(page.locator("iframe.hutong-page").first).to_be_attached()
    return OpenedApp(page, errors)
