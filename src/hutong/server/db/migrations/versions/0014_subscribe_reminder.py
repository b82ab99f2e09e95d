"""The library gains a one-time consultation reminder (medical), which the clinic example asks for.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TID = 3005
KEYWORDS = [
    (1, "医生", "name", "王医生"),
    (2, "问诊时间", "time", "2026年12月6日 19:00"),
    (3, "就诊人", "name", "李明"),
    (4, "温馨提示", "thing", "请提前15分钟进入诊室"),
]


def upgrade() -> None:
    titles = sa.table(
        "subscribe_titles",
        sa.column("tid", sa.Integer()),
        sa.column("category_id", sa.Integer()),
        sa.column("title", sa.String()),
        sa.column("type", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    keywords = sa.table(
        "subscribe_keywords",
        sa.column("tid", sa.Integer()),
        sa.column("kid", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("rule", sa.String()),
        sa.column("example", sa.String()),
        sa.column("enum_values", sa.JSON()),
    )
    op.bulk_insert(
        titles,
        [
            {
                "tid": TID,
                "category_id": 420,
                "title": "问诊提醒",
                "type": 2,
                "status": "approved",
                "created_at": datetime.now(UTC),
            }
        ],
    )
    op.bulk_insert(
        keywords,
        [
            {"tid": TID, "kid": kid, "name": name, "rule": rule, "example": example, "enum_values": []}
            for kid, name, rule, example in KEYWORDS
        ],
    )


def downgrade() -> None:
    # Apps' templates made from the title go with it (their grants cascade).
    op.execute(sa.text("DELETE FROM subscribe_templates WHERE tid = :tid").bindparams(tid=TID))
    op.execute(sa.text("DELETE FROM subscribe_keywords WHERE tid = :tid").bindparams(tid=TID))
    op.execute(sa.text("DELETE FROM subscribe_titles WHERE tid = :tid").bindparams(tid=TID))
