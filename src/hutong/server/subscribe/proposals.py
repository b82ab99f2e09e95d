"""New public template titles: a developer proposes one for their app's category (a title and its
keywords, each with a WeChat keyword type and an example that obeys it), an operator approves or
rejects it, and only approved titles are in the library (library.py lists ``status == "approved"``).

As on WeChat, where "申请模板" goes to WeChat's review: the proposal names the category, the kind
(one-time for every category; long-term only where the operator allows it), 2 to 5 keywords; a
rejection says why. Approving makes the title usable by every app in the category."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.audit.models import AuditEntry
from hutong.server.audit.service import record
from hutong.server.problems import Problem
from hutong.server.review.service import require_operator
from hutong.server.subscribe import keywords as rules
from hutong.server.subscribe.library import LONG_TERM, ONE_TIME, in_category
from hutong.server.subscribe.models import Category, Keyword, Title

TITLE_MAX = 20  # WeChat's template titles are short ("就诊提醒", "订单发货通知")
NAME_MAX = 10  # keyword names likewise ("就诊时间")
KEYWORDS_MIN, KEYWORDS_MAX = 2, 5
PENDING_PER_APP = 10  # proposals waiting at once, so the operators' queue cannot be flooded
FIRST_PROPOSED_TID = 900000  # proposed titles are numbered apart from the seeded library's


@dataclass
class ProposedKeyword:
    name: str
    rule: str
    example: str
    enum_values: list[str]


@dataclass
class Proposal:
    title: Title
    category: Category
    keywords: list[Keyword]
    app: App | None
    reason: str = ""  # why it was rejected


def parse_keywords(text: str) -> list[ProposedKeyword]:
    """One keyword a line, ``name | rule | example`` (an enum adds ``| value, value, …``)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (3, 4):
            raise Problem(422, "invalid_keywords", f"keyword line {number}: write name | rule | example")
        values = [v.strip() for v in parts[3].split(",") if v.strip()] if len(parts) == 4 else []
        found.append(ProposedKeyword(parts[0], parts[1], parts[2], values))
    return found


def _check(title: str, kind: int, category: Category, keywords: list[ProposedKeyword]) -> None:
    if not title.strip() or len(title.strip()) > TITLE_MAX:
        raise Problem(422, "invalid_title", f"a title is 1 to {TITLE_MAX} characters")
    if kind not in (ONE_TIME, LONG_TERM):
        raise Problem(422, "invalid_type", "a template is one-time (2) or long-term (3)")
    if kind == LONG_TERM and not category.long_term:
        raise Problem(422, "long_term_not_allowed", f"long-term templates are not allowed in {category.name}")
    if not KEYWORDS_MIN <= len(keywords) <= KEYWORDS_MAX:
        raise Problem(422, "invalid_keywords", f"a template has {KEYWORDS_MIN} to {KEYWORDS_MAX} keywords")
    names = [k.name for k in keywords]
    if len(set(names)) != len(names):
        raise Problem(422, "invalid_keywords", "two keywords have the same name")
    for keyword in keywords:
        if not keyword.name or len(keyword.name) > NAME_MAX:
            raise Problem(422, "invalid_keywords", f"a keyword name is 1 to {NAME_MAX} characters")
        if keyword.rule not in rules.RULES:
            raise Problem(
                422,
                "invalid_keywords",
                f"{keyword.name}: {keyword.rule!r} is not a keyword type ({', '.join(rules.RULES)})",
            )
        if keyword.rule == "enum" and not keyword.enum_values:
            raise Problem(422, "invalid_keywords", f"{keyword.name}: an enum lists its values")
        if not rules.valid(keyword.rule, keyword.example, keyword.enum_values):
            raise Problem(
                422,
                "invalid_keywords",
                f"{keyword.name}: the example {keyword.example!r} breaks the {keyword.rule} rule "
                f"({rules.RULES[keyword.rule][1]})",
            )


async def propose(
    session: AsyncSession,
    app: App,
    category_id: int,
    title: str,
    kind: int,
    keywords: list[ProposedKeyword],
) -> Title:
    """A pending title for the operators (the caller checked that the actor may edit ``app``)."""
    category = await session.get(Category, category_id)
    if category is None or not in_category(app, category):
        raise Problem(422, "invalid_category", "propose titles in one of the app's own categories")
    _check(title, kind, category, keywords)
    waiting = await session.scalar(
        select(func.count()).select_from(Title).where(Title.proposed_by == app.id, Title.status == "pending")
    )
    if (waiting or 0) >= PENDING_PER_APP:
        raise Problem(429, "too_many_proposals", "wait for the operators to decide on this app's proposals")
    newest = await session.scalar(select(func.max(Title.tid)))
    row = Title(
        tid=max(int(newest or 0) + 1, FIRST_PROPOSED_TID),
        category_id=category.id,
        title=title.strip(),
        type=kind,
        status="pending",
        proposed_by=app.id,
    )
    session.add(row)
    await session.flush()
    for kid, keyword in enumerate(keywords, start=1):
        session.add(
            Keyword(
                tid=row.tid,
                kid=kid,
                name=keyword.name,
                rule=keyword.rule,
                example=keyword.example,
                enum_values=keyword.enum_values,
            )
        )
    await session.flush()
    await record(session, app.id, None, "subscribe.title_proposed", tid=row.tid, title=row.title)
    return row


async def _proposal(session: AsyncSession, title: Title) -> Proposal:
    category = await session.get(Category, title.category_id)
    assert category is not None  # a foreign key
    words = await session.scalars(select(Keyword).where(Keyword.tid == title.tid).order_by(Keyword.kid))
    app = await session.get(App, title.proposed_by) if title.proposed_by else None
    return Proposal(title, category, list(words.all()), app)


async def proposals_of_app(session: AsyncSession, app: App) -> list[Proposal]:
    """The app's proposals, newest first, a rejected one with the operator's reason."""
    rows = await session.scalars(select(Title).where(Title.proposed_by == app.id).order_by(Title.tid.desc()))
    rejections = await session.scalars(
        select(AuditEntry).where(AuditEntry.app_id == app.id, AuditEntry.action == "subscribe.title_rejected")
    )
    reasons = {entry.detail.get("tid"): str(entry.detail.get("reason", "")) for entry in rejections.all()}
    found = []
    for row in rows.all():
        proposal = await _proposal(session, row)
        proposal.reason = reasons.get(row.tid, "")
        found.append(proposal)
    return found


async def pending(session: AsyncSession, actor: User) -> list[Proposal]:
    """The operators' queue, oldest first."""
    require_operator(actor)
    rows = await session.scalars(select(Title).where(Title.status == "pending").order_by(Title.tid))
    return [await _proposal(session, row) for row in rows.all()]


async def decide(session: AsyncSession, actor: User, tid: int, verdict: str, reason: str = "") -> Title:
    """``approve`` lists the title in the library; ``reject`` (with a reason) does not."""
    require_operator(actor)
    if verdict not in ("approve", "reject"):
        raise Problem(404, "not_found", "approve or reject")
    title = await session.get(Title, tid)
    if title is None or title.status != "pending":
        raise Problem(404, "proposal_not_found", "no such proposal waiting")
    if verdict == "reject" and not reason.strip():
        raise Problem(422, "reason_required", "say why the title is rejected")
    title.status = "approved" if verdict == "approve" else "rejected"
    detail: dict[str, Any] = {"tid": tid, "title": title.title}
    if reason.strip():
        detail["reason"] = reason.strip()[:500]
    await record(session, title.proposed_by, actor, f"subscribe.title_{title.status}", **detail)
    return title
