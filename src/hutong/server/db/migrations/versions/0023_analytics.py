"""The analytics event store, partitioned by day on PostgreSQL, replacing ``launch_events`` and
``app_events`` (their rows move into it); users by first day, daily actives, rollups, release guards.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

COLUMNS = """
    day DATE NOT NULL,
    hour SMALLINT NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    app_id INTEGER NOT NULL,
    release_id INTEGER,
    audience VARCHAR(80) NOT NULL,
    session VARCHAR(32) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    name VARCHAR(128) NOT NULL,
    scene INTEGER,
    value BIGINT,
    data JSON
"""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgres():
        op.execute(f"CREATE TABLE analytics_events ({COLUMNS}) PARTITION BY RANGE (day)")
        # Rows for a day with no partition of its own yet land here; store.ensure_partitions makes
        # each day's partition ahead of time, so this stays empty in normal running.
        op.execute("CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT")
        day, hour = "created_at::date", "extract(hour from created_at)::smallint"
    else:
        op.execute(
            f"CREATE TABLE analytics_events ({COLUMNS.replace('TIMESTAMP WITH TIME ZONE', 'DATETIME')})"
        )
        day, hour = "date(created_at)", "cast(strftime('%H', created_at) as integer)"
    op.create_index("ix_analytics_events_app_day_kind", "analytics_events", ["app_id", "day", "kind"])
    op.create_table(
        "analytics_users",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "audience", name=op.f("pk_analytics_users")),
    )
    op.create_index("ix_analytics_users_app_first", "analytics_users", ["app_id", "first_day"])
    op.create_table(
        "analytics_active",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "day", "audience", name=op.f("pk_analytics_active")),
    )
    op.create_table(
        "analytics_rollups",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "day", "metric", "key", name=op.f("pk_analytics_rollups")),
    )
    op.create_table(
        "release_guards",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("min_sessions", sa.Integer(), nullable=False),
        sa.Column("max_ratio", sa.Float(), nullable=False),
        sa.Column("min_margin", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_release_guards_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_release_guards")),
    )
    # The old tables' rows move into the store: launches as "launch" events (each its own session),
    # reported events as "custom" ones; their users and active days follow.
    op.execute(
        "INSERT INTO analytics_events (day, hour, at, app_id, release_id, audience, session, kind, name,"  # noqa: S608
        " scene, value, data)"
        f" SELECT {day}, {hour}, created_at, app_id, release_id, audience, 'l' || id, 'launch', path,"
        " scene, NULL, NULL FROM launch_events"
    )
    op.execute(
        "INSERT INTO analytics_events (day, hour, at, app_id, release_id, audience, session, kind, name,"  # noqa: S608
        " scene, value, data)"
        f" SELECT {day}, {hour}, created_at, app_id, NULL, audience, '', 'custom', name, NULL, NULL, data"
        " FROM app_events"
    )
    op.execute(
        "INSERT INTO analytics_users (app_id, audience, first_day) SELECT app_id, audience, min(day)"
        " FROM analytics_events WHERE kind = 'launch' GROUP BY app_id, audience"
    )
    op.execute(
        "INSERT INTO analytics_active (app_id, day, audience) SELECT DISTINCT app_id, day, audience"
        " FROM analytics_events WHERE kind = 'launch'"
    )
    with op.batch_alter_table("launch_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_events_release_id"))
        batch_op.drop_index("ix_launch_events_app_time")
    op.drop_table("launch_events")
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.drop_index("ix_app_events_app_time")
    op.drop_table("app_events")


def downgrade() -> None:
    op.create_table(
        "app_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_app_events_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_events")),
    )
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.create_index("ix_app_events_app_time", ["app_id", "created_at"], unique=False)
    op.create_table(
        "launch_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("scene", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_launch_events_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_launch_events_release_id_releases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_events")),
    )
    with op.batch_alter_table("launch_events", schema=None) as batch_op:
        batch_op.create_index("ix_launch_events_app_time", ["app_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_launch_events_release_id"), ["release_id"], unique=False)
    # Launches and custom events go back (what the old tables could hold); the rest is dropped.
    op.execute(
        "INSERT INTO launch_events (app_id, release_id, audience, scene, path, created_at)"
        " SELECT app_id, CASE WHEN release_id IN (SELECT id FROM releases) THEN release_id END, audience,"
        " coalesce(scene, 1001), name, at FROM analytics_events"
        " WHERE kind = 'launch' AND app_id IN (SELECT id FROM apps)"
    )
    op.execute(
        "INSERT INTO app_events (app_id, audience, name, data, created_at)"
        " SELECT app_id, audience, name, coalesce(data, '{}'), at FROM analytics_events"
        " WHERE kind = 'custom' AND app_id IN (SELECT id FROM apps)"
    )
    op.drop_table("release_guards")
    op.drop_table("analytics_rollups")
    op.drop_table("analytics_active")
    op.drop_index("ix_analytics_users_app_first", table_name="analytics_users")
    op.drop_table("analytics_users")
    op.drop_index("ix_analytics_events_app_day_kind", table_name="analytics_events")
    op.execute("DROP TABLE analytics_events" + (" CASCADE" if _postgres() else ""))
