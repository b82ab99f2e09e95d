"""The rules for accounts, sessions, tokens and organizations, as plain functions over a session."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import (
    OPERATOR_ROLES,
    ORG_ROLES,
    ApiToken,
    Membership,
    Organization,
    Session,
    User,
)
from hutong.server.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    digest,
    hash_password,
    needs_rehash,
    new_secret,
    verify_password,
)
from hutong.server.accounts.permissions import Action, allows
from hutong.server.problems import Problem

SESSION_LIFETIME = timedelta(days=14)
# A token's last use is written at most this often: written on every call, each API read was a write
# transaction (on SQLite, waiting its turn behind the one writer).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise Problem(422, "invalid_email", "that is not an email address")
    return email


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def sign_up(
    session: AsyncSession, email: str, password: str, name: str = "", operator_role: str | None = None
) -> User:
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Problem(422, "weak_password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if operator_role is not None and operator_role not in OPERATOR_ROLES:
        raise Problem(422, "invalid_role", f"operator roles are {', '.join(OPERATOR_ROLES)}")
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Problem(409, "email_taken", "an account with that email exists")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), operator_role=operator_role
    )
    session.add(user)
    await session.flush()
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Problem(401, "bad_credentials", "wrong email or password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def set_operator_role(session: AsyncSession, email: str, role: str | None) -> User:
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise Problem(404, "user_not_found", "no account has that email")
    if role is not None and role not in OPERATOR_ROLES:
        raise Problem(422, "invalid_role", f"operator roles are {', '.join(OPERATOR_ROLES)}")
    user.operator_role = role
    return user


# Sessions -------------------------------------------------------------------------------------


@dataclass
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf_token: str
    user: User


async def start_session(session: AsyncSession, user: User) -> NewSession:
    token = new_secret()
    csrf = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    # Tidy as we go: a user's expired sessions go when they sign in again.
    await session.execute(delete(Session).where(Session.user_id == user.id, Session.expires_at < now))
    session.add(
        Session(
            token_hash=digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.flush()
    return NewSession(token, csrf, user)


async def session_for(session: AsyncSession, token: str) -> tuple[User, Session] | None:
    row = await session.scalar(select(Session).where(Session.token_hash == digest(token)))
    if row is None or _aware(row.expires_at) < datetime.now(UTC):
        return None
    user = await session.get(User, row.user_id)
    return (user, row) if user else None


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(Session).where(Session.token_hash == digest(token)))


# API tokens -----------------------------------------------------------------------------------


async def create_api_token(session: AsyncSession, user: User, name: str) -> tuple[ApiToken, str]:
    secret = new_secret("hut_")
    row = ApiToken(token_hash=digest(secret), user_id=user.id, name=name.strip()[:200] or "token")
    session.add(row)
    await session.flush()
    return row, secret


async def user_for_token(session: AsyncSession, secret: str) -> User | None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if row is None:
        return None
    now = datetime.now(UTC)
    if row.last_used_at is None or now - _aware(row.last_used_at) >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return await session.get(User, row.user_id)


async def list_api_tokens(session: AsyncSession, user: User) -> list[ApiToken]:
    rows = await session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return list(rows)


async def revoke_api_token(session: AsyncSession, user: User, token_id: int) -> None:
    result = await session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if getattr(result, "rowcount", 0) == 0:
        raise Problem(404, "token_not_found", "you have no token with that id")


# Organizations --------------------------------------------------------------------------------


async def create_organization(session: AsyncSession, owner: User, name: str) -> Organization:
    name = name.strip()
    if not name:
        raise Problem(422, "invalid_name", "an organization needs a name")
    org = Organization(name=name[:200])
    session.add(org)
    await session.flush()
    session.add(Membership(organization_id=org.id, user_id=owner.id, role="owner"))
    await session.flush()
    return org


async def organizations_of(session: AsyncSession, user: User) -> list[tuple[Organization, str]]:
    rows = await session.execute(
        select(Organization, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name, Organization.id)
    )
    return [(org, role) for org, role in rows]


async def role_in(session: AsyncSession, user: User, organization_id: int) -> str | None:
    role: str | None = await session.scalar(
        select(Membership.role).where(
            Membership.organization_id == organization_id, Membership.user_id == user.id
        )
    )
    return role


async def require(session: AsyncSession, user: User, organization_id: int, action: Action) -> str:
    """The user's role if it allows ``action``; a non-member learns nothing (404), a member is told 403."""
    role = await role_in(session, user, organization_id)
    if role is None:
        raise Problem(404, "organization_not_found", "no such organization")
    if not allows(role, action):
        raise Problem(403, "forbidden", f"your role ({role}) does not allow {action.value}")
    return role


async def get_organization(session: AsyncSession, user: User, organization_id: int) -> Organization:
    await require(session, user, organization_id, Action.READ)
    org = await session.get(Organization, organization_id)
    if org is None:
        raise Problem(404, "organization_not_found", "no such organization")
    return org


@dataclass
class Member:
    user_id: int
    email: str
    name: str
    role: str


async def list_members(session: AsyncSession, actor: User, organization_id: int) -> list[Member]:
    await require(session, actor, organization_id, Action.READ)
    rows = await session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
        .order_by(User.email)
    )
    return [Member(user.id, user.email, user.name, role) for user, role in rows]


async def set_member(
    session: AsyncSession, actor: User, organization_id: int, email: str, role: str
) -> Member:
    """Add someone with an account to the organization, or change their role."""
    await require(session, actor, organization_id, Action.MANAGE_MEMBERS)
    if role not in ORG_ROLES:
        raise Problem(422, "invalid_role", f"roles are {', '.join(ORG_ROLES)}")
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise Problem(404, "user_not_found", "no account has that email; ask them to sign up first")
    membership = await session.scalar(
        select(Membership).where(Membership.organization_id == organization_id, Membership.user_id == user.id)
    )
    if membership is None:
        session.add(Membership(organization_id=organization_id, user_id=user.id, role=role))
    else:
        if membership.role == "owner" and role != "owner":
            await _keep_an_owner(session, organization_id)
        membership.role = role
    await session.flush()
    return Member(user.id, user.email, user.name, role)


async def remove_member(session: AsyncSession, actor: User, organization_id: int, user_id: int) -> None:
    await require(session, actor, organization_id, Action.MANAGE_MEMBERS)
    membership = await session.scalar(
        select(Membership).where(Membership.organization_id == organization_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise Problem(404, "member_not_found", "that user is not a member")
    if membership.role == "owner":
        await _keep_an_owner(session, organization_id)
    await session.delete(membership)


async def _keep_an_owner(session: AsyncSession, organization_id: int) -> None:
    owners = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == organization_id, Membership.role == "owner")
    )
    if (owners or 0) <= 1:
        raise Problem(409, "last_owner", "an organization keeps at least one owner")
