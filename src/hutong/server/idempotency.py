"""``Idempotency-Key`` for mutating money APIs (docs/ARCHITECTURE.md, "Idempotency").

A client that may retry sends a key of its choosing; the first request with it runs, and its status
and body are saved and replayed to every later request with the same key and the same request (key
scoped to the caller, kept 24 hours). The same key with another request is refused (422
``idempotency_key_reused``); while the first is still running, another with the same key gets 409
``idempotency_in_progress``. The action runs in a database session whose transaction also saves the
answer, so its effects and the saved answer commit together or not at all: a process that dies
mid-request leaves a claim whose lock expires, and the retry runs the action afresh.

    @router.post("/wallet/topups", status_code=201)
    async def top_up(body: TopUpIn, user: HostUser, idem: Idempotency) -> Response:
        async def act(session: AsyncSession) -> TopUpOut:
            ...
        return await idem.run(f"user:{user.id}", act, status_code=201)
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy import JSON as SQLJSON
from sqlalchemy import DateTime, Integer, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db import Database
from hutong.server.db.base import Base, utcnow
from hutong.server.problems import Problem, problem_response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
# How long a claim holds its key before a retry may take it over (the first process died).
LOCK = timedelta(seconds=60)
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Not part of a saved answer: they describe the first response's connection, not its content.
_UNSAVED_HEADERS = frozenset({"content-length", "date", "server", "set-cookie", "connection"})


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))  # the caller: "user:42", "mch:1900000001", …
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    state: Mapped[str] = mapped_column(String(8))  # running | done
    token: Mapped[str] = mapped_column(String(32))  # which request holds the claim
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    headers: Mapped[dict[str, str] | None] = mapped_column(SQLJSON, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def fingerprint(request: Request) -> str:
    """The request's identity: method, path and query, and the body (JSON compared by value)."""
    raw = await request.body()
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        body = raw
    target = f"{request.method} {request.url.path}?{request.url.query}".encode()
    return hashlib.sha256(target + b"\n" + body).hexdigest()


class _Lost(Exception):
    """Another request took the claim over (ours outlived its lock): our effects must not commit."""


def _in_progress() -> Problem:
    return Problem(409, "idempotency_in_progress", "a request with this Idempotency-Key is still running")


async def _begin(
    database: Database, scope: str, key: str, print_: str, token: str
) -> IdempotencyRecord | None:
    """Claim the key (None: run the action) or answer the saved record (replay); raises the refusals.
    A key already known is decided by reading alone, so a twin of a request still running is answered
    at once even on SQLite, where that request holds the only write lock."""
    async with database.session() as session:
        now = utcnow()
        found = select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
        record = await session.scalar(found)
        if record is None:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            claimed = await session.execute(
                insert(IdempotencyRecord)
                .values(**_claim(scope, key, print_, token, now))
                .on_conflict_do_nothing()
                .returning(IdempotencyRecord.id)
            )
            if claimed.scalar_one_or_none() is not None:
                return None
            record = await session.scalar(found)  # a twin claimed it between our read and our insert
            if record is None:
                raise _in_progress()
        expired = _aware(record.expires_at) <= now
        if not expired and record.fingerprint != print_:
            raise Problem(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was used with another request; use a new key for a new request",
            )
        if not expired and record.state == "done":
            return record
        if not expired and _aware(record.locked_until) > now:
            raise _in_progress()
        # Expired, or a claim whose holder died: take it over, unless another request just did.
        fresh = (
            _claim(scope, key, print_, token, now)
            if expired
            else {"token": token, "locked_until": now + LOCK}
        )
        taken = await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record.id, IdempotencyRecord.token == record.token)
            .values(**fresh, status=None, headers=None, body=None)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise _in_progress()
        return None


def _claim(scope: str, key: str, print_: str, token: str, now: datetime) -> dict[str, Any]:
    return {
        "scope": scope,
        "key": key,
        "fingerprint": print_,
        "state": "running",
        "token": token,
        "locked_until": now + LOCK,
        "created_at": now,
        "expires_at": now + KEEP,
    }


async def _finish(session: AsyncSession, scope: str, key: str, token: str, response: Response) -> None:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in _UNSAVED_HEADERS}
    saved = await session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.token == token,
            IdempotencyRecord.state == "running",
        )
        .values(state="done", status=response.status_code, headers=headers, body=bytes(response.body))
    )
    if saved.rowcount != 1:  # type: ignore[attr-defined]
        raise _Lost()


def _replay(record: IdempotencyRecord) -> Response:
    headers = {**(record.headers or {}), REPLAYED_HEADER: "true"}
    return Response(content=record.body or b"", status_code=record.status or 200, headers=headers)


def _problem(problem: Problem) -> Response:
    response = problem_response(problem.status, problem.code, problem.detail, **problem.extra)
    response.headers.update(problem.headers)
    return response


async def _release(database: Database, scope: str, key: str, token: str) -> None:
    async with database.session() as session:
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
                IdempotencyRecord.token == token,
                IdempotencyRecord.state == "running",
            )
        )


Action = Callable[[AsyncSession], Awaitable[Any]]


class Idempotent:
    """A route's handle on its request's ``Idempotency-Key`` (use the ``Idempotency`` dependency)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.key = request.headers.get(HEADER)

    async def run(
        self, scope: str, action: Action, *, status_code: int = 200, required: bool = False
    ) -> Response:
        """Run ``action(session)`` once per key within ``scope`` (the caller); its result (a Response,
        or anything JSON-encodable, sent with ``status_code``) is saved and replayed. A Problem it
        raises is an answer too, saved and replayed, with its effects rolled back. Any other error
        rolls back and frees the key, so a retry runs again."""
        database: Database = self.request.app.state.database
        if self.key is None:
            if required:
                raise Problem(400, "idempotency_key_missing", f"this request needs an {HEADER} header")
            async with database.session() as session:
                return _as_response(await action(session), status_code)
        if not _KEY.match(self.key):
            raise Problem(422, "idempotency_key_invalid", f"{HEADER} is 1 to 255 visible ASCII characters")
        scope, key, token = scope[:200], self.key, secrets.token_hex(16)
        saved = await _begin(database, scope, key, await fingerprint(self.request), token)
        if saved is not None:
            return _replay(saved)
        try:
            async with database.session() as session:
                response = _as_response(await action(session), status_code)
                await _finish(session, scope, key, token, response)
            return response
        except _Lost:
            raise _in_progress() from None
        except Problem as problem:
            answer = _problem(problem)
            try:
                async with database.session() as session:
                    await _finish(session, scope, key, token, answer)
            except _Lost:
                raise _in_progress() from None
            return answer
        except Exception:
            await _release(database, scope, key, token)
            raise


def _as_response(result: Any, status_code: int) -> Response:
    if isinstance(result, Response):
        return result
    return JSONResponse(jsonable_encoder(result), status_code=status_code)


Idempotency = Annotated[Idempotent, Depends(Idempotent)]


async def purge(session: AsyncSession, now: datetime | None = None) -> int:
    """Delete records past their 24 hours (an expired key is also taken over when reused)."""
    gone = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < (now or utcnow()))
    )
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
