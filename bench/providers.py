"""One template, many merchants: the time and the storage each further merchant costs when a provider
deploys its tea template (compiled once, its bundles shared by content address) to N merchant apps,
beside the baseline of this same run: uploading and compiling the tea project for one merchant app,
as a merchant without a provider would.

    .venv/bin/python bench/providers.py [--merchants 1000] [--compiled 3] [--database-url URL]

Runs the platform's service functions in this process (no HTTP), on SQLite in a temporary folder
unless a database URL is given. Merchants, their apps and authorizations are written directly (their
sign-ups are not what is measured); each merchant's commit (templates.commit, what /wxa/commit and
`hutong provider deploy` run) is one transaction of its own, as in a deployment. Printed: commits per
second, milliseconds per merchant (overall, and over the first and the last tenth: a flat cost means
each further merchant costs the same) against milliseconds per compiled upload (the ratio), and the bytes
each further merchant adds to the blob store and to the database, against the compiled bundles'
size that each merchant would otherwise store."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from hutong.cli.platform import zip_project
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import Membership, Organization
from hutong.server.apps import service as apps
from hutong.server.apps import versions
from hutong.server.apps.models import App
from hutong.server.apps.uploads import UploadLimits
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.providers import crypto, service, templates
from hutong.server.providers.models import Authorization, Provider
from hutong.server.sealing import Keyring
from hutong.server.storage import BlobStore
from hutong.settings import Settings

TEA = Path(__file__).resolve().parents[1] / "examples" / "tea"
LIMITS = UploadLimits(50 * 1024 * 1024, 200 * 1024 * 1024, 5000)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def folder_bytes_matching(folder: Path, pattern: str) -> int:
    return sum(path.stat().st_size for path in folder.glob(pattern))


async def database_bytes(database: Database, data_dir: Path) -> int:
    if database.url.startswith("sqlite"):
        async with database.session() as session:
            await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return folder_bytes_matching(data_dir, "*.db*")
    async with database.session() as session:
        return int(await session.scalar(text("SELECT pg_database_size(current_database())")) or 0)


async def run(merchants: int, compiled: int, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hutong-bench-providers-") as temporary:
        data_dir = Path(temporary)
        settings = Settings(data_dir=data_dir, **({"database_url": database_url} if database_url else {}))
        url = settings.effective_database_url
        await upgrade_async(url)
        database = Database(url, Keyring.from_settings(settings))
        store, sources = BlobStore(data_dir / "blobs"), BlobStore(data_dir / "sources")
        project = zip_project(TEA)
        async with database.session() as session:
            owner = await accounts.sign_up(session, "bench-provider@example.com", "long enough")
            org = await accounts.create_organization(session, owner, "Tea Partners")
            dev, _secret = await apps.register_app(session, owner, org.id, name="Tea template")
        async with database.session() as session:
            draft = await versions.upload_version(
                session,
                store,
                sources,
                LIMITS,
                owner,
                dev.appid,
                version="1.0.0",
                description="",
                project_zip=project,
            )
        async with database.session() as session:
            provider, _secret = await service.register(
                session,
                owner,
                org.id,
                name="Tea Partners",
                message_url="https://provider.example/wechat",
                token="bench",
                encoding_aes_key=crypto.new_aes_key(),
                funcscopes=[18],
                dev_appid=dev.appid,
            )
            template = await templates.add_to_template(session, provider, draft.id, 0)
            template_id, provider_id = template.id, provider.id
        bundle_bytes = sum(int(entry["size"]) for entry in draft.bundles.values())

        # The baseline: a merchant compiling the same project for its own app.
        compile_seconds = []
        for index in range(compiled):
            async with database.session() as session:
                app, _secret = await apps.register_app(session, owner, org.id, name=f"Own shop {index}")
            started = time.perf_counter()
            async with database.session() as session:
                await versions.upload_version(
                    session,
                    store,
                    sources,
                    LIMITS,
                    owner,
                    app.appid,
                    version="1.0.0",
                    description="",
                    project_zip=project,
                )
            compile_seconds.append(time.perf_counter() - started)

        # The merchants: an organization, an app and an authorization each, written directly.
        async with database.session() as session:
            orgs = [Organization(name=f"Merchant {i}") for i in range(merchants)]
            session.add_all(orgs)
            await session.flush()
            session.add_all(Membership(organization_id=o.id, user_id=owner.id, role="owner") for o in orgs)
            shops = [App(appid=apps.new_appid(), organization_id=o.id, name=o.name) for o in orgs]
            session.add_all(shops)
            await session.flush()
            session.add_all(
                Authorization(
                    provider_id=provider_id,
                    app_id=shop.id,
                    func_info=[18],
                    refresh_token_hash=f"{shop.id:064d}",
                    refresh_token_sealed="-",
                )
                for shop in shops
            )
            appids = [shop.appid for shop in shops]

        blobs_before = folder_bytes(data_dir / "blobs")
        db_before = await database_bytes(database, data_dir)
        started = time.perf_counter()
        marks = []
        for index, appid in enumerate(appids):
            marks.append(time.perf_counter())
            async with database.session() as session:
                provider_row = await session.get(Provider, provider_id)
                call = await _call(session, provider_row, appid)
                ext = {
                    "extAppid": appid,
                    "ext": {"shopName": f"Shop {index}", "menu": ["jasmine"], "colour": "#b5651d"},
                }
                await templates.commit(session, store, call, template_id, json.dumps(ext), "1.0.0", "deploy")
        deploy_seconds = time.perf_counter() - started
        marks.append(time.perf_counter())
        tenth = max(merchants // 10, 1)
        first_tenth_ms = (marks[tenth] - marks[0]) / tenth * 1000
        last_tenth_ms = (marks[-1] - marks[-1 - tenth]) / tenth * 1000
        blobs_after = folder_bytes(data_dir / "blobs")
        db_after = await database_bytes(database, data_dir)
        await database.dispose()
    per_merchant_ms = deploy_seconds / merchants * 1000
    per_compile_ms = sum(compile_seconds) / max(len(compile_seconds), 1) * 1000
    return {
        "merchants": merchants,
        "deploy_seconds": round(deploy_seconds, 2),
        "commits_per_second": round(merchants / deploy_seconds, 1),
        "ms_per_merchant": round(per_merchant_ms, 2),
        "ms_first_tenth": round(first_tenth_ms, 2),
        "ms_last_tenth": round(last_tenth_ms, 2),
        "ms_per_compiled_upload": round(per_compile_ms, 1),
        "compile_over_commit": round(per_compile_ms / per_merchant_ms, 1),
        "blob_bytes_per_merchant": round((blobs_after - blobs_before) / merchants),
        "db_bytes_per_merchant": round((db_after - db_before) / merchants),
        "compiled_bundle_bytes": bundle_bytes,
    }


async def _call(session: Any, provider: Provider | None, appid: str) -> service.AuthorizerCall:
    from sqlalchemy import select

    assert provider is not None
    app = await session.scalar(select(App).where(App.appid == appid))
    authorization = await session.scalar(
        select(Authorization).where(Authorization.app_id == app.id, Authorization.provider_id == provider.id)
    )
    return service.AuthorizerCall(app, provider, authorization)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--merchants", type=int, default=1000)
    parser.add_argument("--compiled", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    result = asyncio.run(run(args.merchants, args.compiled, args.database_url))
    for key, value in result.items():
        print(f"{key:26} {value}")


if __name__ == "__main__":
    main()
