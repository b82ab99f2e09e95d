"""Accounts, sessions, API tokens and organizations, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from hutong.server.accounts import service
from hutong.server.accounts.models import ApiToken, Session, User
from hutong.server.accounts.permissions import Action
from hutong.server.db import Database
from hutong.server.problems import Problem


async def test_passwords_are_argon2_and_checked(database: Database) -> None:
    async with database.session() as session:
        user = await service.sign_up(session, " Ada@Example.com ", "correct horse", "Ada")
    assert user.email == "ada@example.com"
    assert user.password_hash.startswith("$argon2id$")
    async with database.session() as session:
        assert (await service.authenticate(session, "ADA@example.com", "correct horse")).id == user.id
        for email, password in [("ada@example.com", "wrong password"), ("bob@example.com", "correct horse")]:
            with pytest.raises(Problem) as refused:
                await service.authenticate(session, email, password)
            assert refused.value.code == "bad_credentials"
        with pytest.raises(Problem) as taken:
            await service.sign_up(session, "ada@example.com", "another one")
        assert taken.value.code == "email_taken"
        with pytest.raises(Problem) as weak:
            await service.sign_up(session, "c@example.com", "short")
        assert weak.value.code == "weak_password"


def test_the_platform_hashes_with_argon2ids_full_cost() -> None:
    """The suite hashes cheaply (tests/conftest.py); the platform itself, as a fresh process imports
    it, keeps argon2-cffi's defaults: t=3, 64 MiB, 4 lanes."""
    script = "from hutong.server.accounts import passwords; print(passwords.hash_password('x' * 8))"
    stored = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert stored.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


async def test_sessions_and_tokens_are_stored_hashed(database: Database) -> None:
    async with database.session() as session:
        user = await service.sign_up(session, "dev@example.com", "long enough")
        new = await service.start_session(session, user)
        _row, secret = await service.create_api_token(session, user, "laptop")
    assert secret.startswith("hut_")
    async with database.session() as session:
        stored_sessions = list(await session.scalars(select(Session.token_hash)))
        stored_tokens = list(await session.scalars(select(ApiToken.token_hash)))
        assert new.token not in stored_sessions and len(stored_sessions) == 1
        assert secret not in stored_tokens and len(stored_tokens) == 1
        found = await service.session_for(session, new.token)
        assert found is not None and found[0].id == user.id and found[1].csrf_token == new.csrf_token
        assert (await service.user_for_token(session, secret)) is not None
        assert await service.user_for_token(session, secret + "x") is None
        await service.end_session(session, new.token)
        tokens = await service.list_api_tokens(session, user)
        await service.revoke_api_token(session, user, tokens[0].id)
    async with database.session() as session:
        assert await service.session_for(session, new.token) is None
        assert await service.user_for_token(session, secret) is None


async def test_a_tokens_last_use_is_written_once_a_minute(database: Database) -> None:
    async def last_used() -> datetime:
        async with database.session() as session:
            moment: datetime | None = await session.scalar(select(ApiToken.last_used_at))
        assert moment is not None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite's are naive, in UTC

    async def use(secret: str) -> None:
        async with database.session() as session:
            assert await service.user_for_token(session, secret) is not None

    async with database.session() as session:
        user = await service.sign_up(session, "api@example.com", "long enough")
        row, secret = await service.create_api_token(session, user, "ci")
        assert row.last_used_at is None
    await use(secret)
    first = await last_used()
    assert abs(datetime.now(UTC) - first) < timedelta(seconds=30)
    # Used again within the minute: nothing written.
    await use(secret)
    assert await last_used() == first
    # A minute later it is written again.
    async with database.session() as session:
        await session.execute(update(ApiToken).values(last_used_at=first - service.TOKEN_USE_RESOLUTION))
    await use(secret)
    assert await last_used() > first


async def test_organization_roles_and_the_last_owner(database: Database) -> None:
    async with database.session() as session:
        owner = await service.sign_up(session, "owner@example.com", "long enough")
        tester = await service.sign_up(session, "tester@example.com", "long enough")
        stranger = await service.sign_up(session, "stranger@example.com", "long enough")
        org = await service.create_organization(session, owner, "Tea Shop")
        await service.set_member(session, owner, org.id, "tester@example.com", "tester")
    async with database.session() as session:
        assert await service.require(session, tester, org.id, Action.USE_TRIAL) == "tester"
        with pytest.raises(Problem) as forbidden:
            await service.require(session, tester, org.id, Action.UPLOAD)
        assert forbidden.value.status == 403
        with pytest.raises(Problem) as hidden:
            await service.require(session, stranger, org.id, Action.READ)
        assert hidden.value.status == 404
        with pytest.raises(Problem):
            await service.set_member(session, tester, org.id, "stranger@example.com", "owner")
        with pytest.raises(Problem) as last:
            await service.remove_member(session, owner, org.id, owner.id)
        assert last.value.code == "last_owner"
        with pytest.raises(Problem) as bad_role:
            await service.set_member(session, owner, org.id, "stranger@example.com", "emperor")
        assert bad_role.value.code == "invalid_role"
        members = await service.list_members(session, owner, org.id)
        assert [(m.email, m.role) for m in members] == [
            ("owner@example.com", "owner"),
            ("tester@example.com", "tester"),
        ]
        assert [o.name for o, _ in await service.organizations_of(session, stranger)] == []
        reviewer = await service.set_operator_role(session, "stranger@example.com", "reviewer")
        assert isinstance(reviewer, User) and reviewer.operator_role == "reviewer"


async def test_expired_sessions_stop_working_and_are_cleared(database: Database) -> None:
    from datetime import UTC, datetime, timedelta

    async with database.session() as session:
        user = await service.sign_up(session, "old@example.com", "long enough")
        old = await service.start_session(session, user)
        row = await session.scalar(select(Session))
        assert row is not None
        row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    async with database.session() as session:
        assert await service.session_for(session, old.token) is None
        await service.start_session(session, user)
    async with database.session() as session:
        assert len(list(await session.scalars(select(Session)))) == 1
