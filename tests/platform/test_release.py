"""Versions and release, as service functions on SQLite and PostgreSQL: upload, review, phases, rollback."""

from __future__ import annotations

import io
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from hutong.cli.platform import zip_project
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.apps import release, service, versions
from hutong.server.apps.models import App, Release
from hutong.server.apps.uploads import UploadLimits
from hutong.server.audit.service import history
from hutong.server.db import Database
from hutong.server.delivery.launch import Audience, bucket, choose_release
from hutong.server.problems import Problem
from hutong.server.review import service as review
from hutong.server.storage import BlobStore

LIMITS = UploadLimits(max_bytes=2_000_000, max_unpacked_bytes=4_000_000, max_files=200)


@dataclass
class World:
    db: Database
    store: BlobStore
    sources: BlobStore
    owner: User
    reviewer: User
    appid: str
    counter_zip: bytes

    async def upload(self, version: str, project_zip: bytes | None = None) -> Release:
        async with self.db.session() as session:
            return await versions.upload_version(
                session,
                self.store,
                self.sources,
                LIMITS,
                self.owner,
                self.appid,
                version=version,
                description=f"v{version}",
                project_zip=project_zip or self.counter_zip,
            )

    async def approve(self, release_id: int) -> None:
        async with self.db.session() as session:
            submitted = await release.submit_for_review(session, self.owner, self.appid, release_id)
        async with self.db.session() as session:
            await review.decide(session, self.reviewer, submitted.id, approve=True)

    async def launch(self, device: str, user: User | None = None, channel: str = "release") -> str:
        async with self.db.session() as session:
            _app, chosen = await choose_release(session, self.appid, Audience(user, device), channel)
            return chosen.version


@pytest.fixture
async def world(database: Database, tmp_path: Path, examples_dir: Path) -> World:
    async with database.session() as session:
        owner = await accounts.sign_up(session, "owner@example.com", "long enough")
        reviewer = await accounts.sign_up(
            session, "reviewer@example.com", "long enough", operator_role="reviewer"
        )
        org = await accounts.create_organization(session, owner, "Counter Co")
        app, _secret = await service.register_app(session, owner, org.id, name="Counter", keywords=["count"])
    return World(
        database,
        BlobStore(tmp_path / "blobs"),
        BlobStore(tmp_path / "sources"),
        owner,
        reviewer,
        app.appid,
        zip_project(examples_dir / "counter"),
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_upload_compiles_and_shares_blobs(world: World, tmp_path: Path) -> None:
    first = await world.upload("1.0.0")
    second = await world.upload("1.0.1")
    assert set(first.bundles) == {"logic.js", "view.js", "app-config.json"}
    assert first.bundles == second.bundles
    # Two releases with the same bundles: each blob is on disk once (with its recorded media type).
    stored = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file() and p.suffix != ".type"]
    assert len(stored) == 3
    with pytest.raises(Problem) as again:
        await world.upload("1.0.0")
    assert again.value.code == "version_exists"
    async with world.db.session() as session:
        app = await session.scalar(select(App).where(App.appid == world.appid))
        assert app is not None
        mine = await versions.development_version(session, app, world.owner)
        assert mine is not None and mine.version == "1.0.1"
        assert first.source_sha256 and world.sources.get(first.source_sha256) == world.counter_zip


def _link(name: str, target: str) -> bytes:
    """A zip holding a symbolic link ``name`` → ``target`` (as unzip would recreate it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = (0o120777 << 16) | 0x20
        archive.writestr(info, target)
        archive.writestr("app.json", b"{}")
    return buffer.getvalue()


def _duplicated() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        archive.writestr("app.json", b'{"pages": ["pages/index/index"]}')
        archive.writestr("app.json", b'{"pages": ["pages/other/other"]}')
    return buffer.getvalue()


def _damaged() -> bytes:
    """A valid zip whose one entry's compressed bytes were flipped (its CRC no longer matches)."""
    data = bytearray(_zip({"app.json": b'{"pages": []}' * 50}))
    data[40] ^= 0xFF
    return bytes(data)


PAGE = b'{"pages": ["pages/index/index"]}'
BAD_UPLOADS: dict[str, tuple[bytes, str]] = {
    "traversal": (_zip({"../evil.js": b"x", "app.json": b"{}"}), "unsafe_archive"),
    "deep traversal": (_zip({"a/../../evil.js": b"x", "app.json": b"{}"}), "unsafe_archive"),
    "absolute path": (_zip({"/etc/evil": b"x"}), "unsafe_archive"),
    "drive letter": (_zip({"C:/evil.js": b"x"}), "unsafe_archive"),
    "symbolic link": (_link("pages", "/etc"), "unsafe_archive"),
    "zip bomb": (_zip({"big.bin": b"0" * 5_000_000}), "upload_too_large"),
    "many small bombs": (_zip({f"b{i}.bin": b"\0" * 900_000 for i in range(5)}), "upload_too_large"),
    "huge file count": (_zip({f"f{i}.js": b"" for i in range(201)}), "too_many_files"),
    "duplicate names": (_duplicated(), "duplicate_entry"),
    "file and folder": (_zip({"pages": b"x", "pages/index.js": b"y"}), "duplicate_entry"),
    "folder then file": (_zip({"pages/index.js": b"y", "pages": b"x"}), "duplicate_entry"),
    "damaged entry": (_damaged(), "invalid_archive"),
    "not a zip": (b"PK\x03\x04 not really", "invalid_archive"),
    "missing page": (_zip({"app.json": b'{"pages": ["pages/missing/missing"]}'}), "compile_error"),
    "malformed JSON": (_zip({"app.json": b'{"pages": ["pages/index/index"'}), "compile_error"),
    "JSON of the wrong shape": (_zip({"app.json": b'{"pages": "index"}'}), "compile_error"),
    "malformed WXML": (
        _zip(
            {
                "app.json": PAGE,
                "pages/index/index.wxml": b"<view><text>{{ a </view>",
                "pages/index/index.js": b"Page({})",
            }
        ),
        "compile_error",
    ),
    "malformed page JSON": (
        _zip({"app.json": PAGE, "pages/index/index.wxml": b"<view/>", "pages/index/index.json": b"{,}"}),
        "compile_error",
    ),
}


@pytest.mark.parametrize(("data", "code"), BAD_UPLOADS.values(), ids=list(BAD_UPLOADS))
async def test_bad_uploads_are_refused_and_leave_nothing(
    world: World, data: bytes, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every hostile or broken upload gets a clear problem, and nothing is kept or written outside
    the upload's own temporary folder (which is gone afterwards too)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    blobs_before = sorted((tmp_path / "blobs").rglob("*")) if (tmp_path / "blobs").exists() else []
    with pytest.raises(Problem) as refused:
        await world.upload("9.9.9", data)
    assert refused.value.code == code, refused.value.detail
    assert refused.value.status in (413, 422) and refused.value.detail
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "evil.js").exists() and not (scratch.parent / "evil.js").exists()
    after = sorted((tmp_path / "blobs").rglob("*")) if (tmp_path / "blobs").exists() else []
    assert after == blobs_before
    async with world.db.session() as session:
        assert list(await session.scalars(select(Release))) == []


async def test_not_a_zip_and_bad_version(world: World) -> None:
    with pytest.raises(Problem) as not_zip:
        await world.upload("1.0.0", b"plain text")
    assert not_zip.value.code == "invalid_archive"
    with pytest.raises(Problem) as bad_version:
        await world.upload("../1")
    assert bad_version.value.code == "invalid_version"


async def test_a_zip_with_a_top_folder_is_accepted(world: World) -> None:
    with zipfile.ZipFile(io.BytesIO(world.counter_zip)) as source:
        nested = _zip({f"counter/{name}": source.read(name) for name in source.namelist()})
    assert (await world.upload("2.0.0", nested)).version == "2.0.0"


async def test_review_one_at_a_time_and_rejection_reasons(world: World) -> None:
    one = await world.upload("1.0.0")
    two = await world.upload("1.1.0")
    async with world.db.session() as session:
        first = await release.submit_for_review(session, world.owner, world.appid, one.id)
        second = await release.submit_for_review(session, world.owner, world.appid, two.id)
    async with world.db.session() as session:
        queue = await review.queue(session, world.reviewer)
        assert [item.release.version for item in queue] == ["1.1.0"]
        with pytest.raises(Problem) as closed:
            await review.decide(session, world.reviewer, first.id, approve=True)
        assert closed.value.code == "review_closed"
        with pytest.raises(Problem) as no_reason:
            await review.decide(session, world.reviewer, second.id, approve=False)
        assert no_reason.value.code == "reason_required"
        with pytest.raises(Problem) as not_operator:
            await review.decide(session, world.owner, second.id, approve=True)
        assert not_operator.value.status == 403
        await review.decide(
            session, world.reviewer, second.id, approve=False, reason="the login page is blank"
        )
    async with world.db.session() as session:
        rejected = await session.get(Release, two.id)
        assert rejected is not None and rejected.review_state == "rejected"
        assert (await session.get(Release, one.id)).review_state == "none"  # type: ignore[union-attr]
        with pytest.raises(Problem) as unapproved:
            await release.release(session, world.owner, world.appid, two.id)
        assert unapproved.value.code == "not_approved"


async def test_phased_release_is_stable_per_user_and_rollback_returns_everyone(world: World) -> None:
    one = await world.upload("1.0.0")
    await world.approve(one.id)
    async with world.db.session() as session:
        with pytest.raises(Problem) as first_phased:
            await release.release(session, world.owner, world.appid, one.id, percentage=50)
        assert first_phased.value.code == "first_release_is_full"
    async with world.db.session() as session:
        await release.release(session, world.owner, world.appid, one.id)
    assert await world.launch("anyone") == "1.0.0"

    two = await world.upload("2.0.0")
    await world.approve(two.id)
    async with world.db.session() as session:
        await release.release(
            session,
            world.owner,
            world.appid,
            two.id,
            percentage=30,
            allowlist=["VIP-device", "Owner@Example.com"],
        )
    devices = [f"device-{i}" for i in range(200)]
    got = {device: await world.launch(device) for device in devices}
    for device in devices:
        expected = "2.0.0" if bucket(world.appid, f"device:{device}") < 30 else "1.0.0"
        assert got[device] == expected
    assert 20 < sum(v == "2.0.0" for v in got.values()) < 100
    assert await world.launch("vip-device") == "2.0.0"
    # Signed in, the bucket is the account's, and the allow-list names accounts by email.
    assert await world.launch("any-device", world.owner) == "2.0.0"
    expected = "2.0.0" if bucket(world.appid, f"user:{world.reviewer.id}") < 30 else "1.0.0"
    assert [await world.launch(device, world.reviewer) for device in ("d1", "d2", "d3")] == [expected] * 3

    async with world.db.session() as session:
        with pytest.raises(Problem) as narrow:
            await release.widen(session, world.owner, world.appid, 10)
        assert narrow.value.code == "cannot_narrow"
        await release.pause(session, world.owner, world.appid)
    async with world.db.session() as session:
        with pytest.raises(Problem) as paused:
            await release.widen(session, world.owner, world.appid, 60)
        assert paused.value.code == "release_paused"
        await release.resume(session, world.owner, world.appid)
        await release.widen(session, world.owner, world.appid, 60)
    widened = {device: await world.launch(device) for device in devices}
    # Nobody who had the new version lost it.
    assert all(widened[d] == "2.0.0" for d in devices if got[d] == "2.0.0")
    assert sum(v == "2.0.0" for v in widened.values()) > sum(v == "2.0.0" for v in got.values())

    async with world.db.session() as session:
        await release.rollback(session, world.owner, world.appid, one.id)
    assert {await world.launch(device) for device in devices} == {"1.0.0"}
    async with world.db.session() as session:
        app = await session.scalar(select(App).where(App.appid == world.appid))
        assert app is not None
        actions = [entry.action for entry in reversed(await history(session, app.id))]
    assert actions == [
        "app.register",
        "version.upload",
        "review.submit",
        "review.approve",
        "release.start",
        "version.upload",
        "review.submit",
        "review.approve",
        "release.start",
        "release.pause",
        "release.resume",
        "release.widen",
        "release.rollback",
    ]


async def test_complete_trial_channels_and_takedown(world: World) -> None:
    one = await world.upload("1.0.0")
    await world.approve(one.id)
    async with world.db.session() as session:
        await release.release(session, world.owner, world.appid, one.id)
    two = await world.upload("2.0.0")
    await world.approve(two.id)
    async with world.db.session() as session:
        await release.release(session, world.owner, world.appid, two.id, percentage=1)
        await release.complete(session, world.owner, world.appid)
    assert await world.launch("x") == "2.0.0"

    three = await world.upload("3.0.0")
    async with world.db.session() as session:
        await release.set_trial(session, world.owner, world.appid, three.id)
        outsider = await accounts.sign_up(session, "outsider@example.com", "long enough")
    assert await world.launch("x", world.owner, "trial") == "3.0.0"
    assert await world.launch("x", world.owner, "develop") == "3.0.0"
    for user in (None, outsider):
        with pytest.raises(Problem) as refused:
            await world.launch("x", user, "trial")
        assert refused.value.status in (401, 404)

    async with world.db.session() as session:
        with pytest.raises(Problem):
            await review.take_down(session, world.reviewer, world.appid, "spam")  # admins only
        admin = await accounts.sign_up(session, "admin@example.com", "long enough", operator_role="admin")
        await review.take_down(session, admin, world.appid, "counterfeit goods")
        assert world.appid not in [a.appid for a in await service.list_apps(session)]
    with pytest.raises(Problem) as gone:
        await world.launch("x")
    assert gone.value.status == 410
    async with world.db.session() as session:
        await review.restore(session, admin, world.appid)
    assert await world.launch("x") == "2.0.0"


async def test_app_settings_secret_and_domains(world: World) -> None:
    async with world.db.session() as session:
        secret = await service.rotate_secret(session, world.owner, world.appid)
        assert await service.check_secret(session, world.appid, secret)
        assert not await service.check_secret(session, world.appid, secret + "x")
        app = await service.set_domains(
            session,
            world.owner,
            world.appid,
            {
                "request": ["https://API.example.com/", "https://api.example.com"],
                "socket": ["wss://ws.example.com:8443"],
            },
        )
        assert app.domains["request"] == ["https://api.example.com"]
        assert app.domains["socket"] == ["wss://ws.example.com:8443"]
        assert app.domains["webview"] == []
        for bad in (
            {"request": ["http://api.example.com"]},
            {"request": ["https://api.example.com/path"]},
            {"request": ["https://10.0.0.1"]},
            {"socket": ["https://ws.example.com"]},
            {"telepathy": ["https://x.example.com"]},
        ):
            with pytest.raises(Problem) as refused:
                await service.set_domains(session, world.owner, world.appid, bad)
            assert refused.value.status == 422
        updated = await service.update_app(
            session, world.owner, world.appid, name="Counter Pro", keywords=["a", " b "]
        )
        assert (updated.name, updated.keywords) == ("Counter Pro", ["a", "b"])


async def test_the_database_refuses_a_second_pending_review(world: World) -> None:
    from sqlalchemy.exc import IntegrityError

    from hutong.server.review.models import Review

    one = await world.upload("1.0.0")
    async with world.db.session() as session:
        app = await session.scalar(select(App).where(App.appid == world.appid))
        assert app is not None
        app_id = app.id
    with pytest.raises(IntegrityError):
        async with world.db.session() as session:
            session.add_all(
                [Review(app_id=app_id, release_id=one.id), Review(app_id=app_id, release_id=one.id)]
            )
