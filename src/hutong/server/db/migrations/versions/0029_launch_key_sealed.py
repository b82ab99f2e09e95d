"""Apps' launch-data keys are sealed (server/sealing.py): the platform reads them back to sign launch
data, so they are sealed like the other secrets it reads back, for their app's row (``appid``). The
column widens to text; existing keys are sealed (and opened again on the way down). The master key
comes from the caller or the settings, and is needed only when there are rows.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from hutong.server.sealing import Keyring

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

_APPS = sa.table(
    "apps", sa.column("id", sa.Integer), sa.column("appid", sa.String), sa.column("launch_key", sa.Text)
)


def _keyring() -> Keyring:
    given = context.config.attributes.get("keyring")
    if isinstance(given, Keyring):
        return given
    from hutong.settings import get_settings

    return Keyring.from_settings(get_settings())


def _convert(change: Callable[[Keyring, str, str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_APPS.c.id, _APPS.c.appid, _APPS.c.launch_key).where(_APPS.c.launch_key.is_not(None))
    ).all()
    if not rows:
        return
    keyring = _keyring()
    for row_id, appid, value in rows:
        sealed = change(keyring, value, f"apps.launch_key:{appid}")
        bind.execute(sa.update(_APPS).where(_APPS.c.id == row_id).values(launch_key=sealed))


def upgrade() -> None:
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.alter_column("launch_key", existing_type=sa.String(length=64), type_=sa.Text())
    _convert(lambda keyring, value, purpose: keyring.seal(value, purpose=purpose))


def downgrade() -> None:
    _convert(lambda keyring, value, purpose: keyring.unseal_text(value, purpose=purpose))
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.alter_column("launch_key", existing_type=sa.Text(), type_=sa.String(length=64))
