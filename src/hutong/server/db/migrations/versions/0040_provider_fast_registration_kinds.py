"""Fast registration of personal (fastregisterpersonalweapp) and trial (fastregisterbetaweapp) mini
programs, and a trial's verification into a formal one (verifybetaweapp): the request's kind and the
task id WeChat answers (taskid, unique_id).

Revision ID: 0040
Revises: 0039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provider_fast_registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="enterprise")
        )
        batch_op.add_column(sa.Column("task_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_provider_fast_registrations_task_id", ["task_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("provider_fast_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_provider_fast_registrations_task_id")
        batch_op.drop_column("task_id")
        batch_op.drop_column("kind")
