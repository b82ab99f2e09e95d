"""Secrets at rest are sealed (server/sealing.py): session keys and message-push tokens.

The columns widen to text (a sealed value is longer than the secret) and every existing value is
sealed for its row. The master key comes from the migration's caller (``upgrade(url, keyring=...)``)
or the settings, and is needed only when there are rows to seal or open.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from hutong.server.sealing import Keyring

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_SESSION_KEYS = sa.table(
    "identity_session_keys",
    sa.column("id", sa.Integer),
    sa.column("app_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("session_key", sa.Text),
)
_PUSH = sa.table("support_push_settings", sa.column("app_id", sa.Integer), sa.column("token", sa.Text))


def _keyring() -> Keyring:
    given = context.config.attributes.get("keyring")
    if isinstance(given, Keyring):
        return given
    from hutong.settings import get_settings

    return Keyring.from_settings(get_settings())


def _convert(change: Callable[[Keyring, str, str], str]) -> None:
    """Apply ``change(keyring, value, purpose)`` to every session key and push token."""
    bind = op.get_bind()
    session_keys = bind.execute(
        sa.select(
            _SESSION_KEYS.c.id, _SESSION_KEYS.c.app_id, _SESSION_KEYS.c.user_id, _SESSION_KEYS.c.session_key
        )
    ).all()
    tokens = bind.execute(sa.select(_PUSH.c.app_id, _PUSH.c.token)).all()
    if not session_keys and not tokens:
        return
    keyring = _keyring()
    for row_id, app_id, user_id, value in session_keys:
        purpose = f"identity_session_keys.session_key:{app_id}:{user_id}"
        bind.execute(
            sa.update(_SESSION_KEYS)
            .where(_SESSION_KEYS.c.id == row_id)
            .values(session_key=change(keyring, value, purpose))
        )
    for app_id, value in tokens:
        purpose = f"support_push_settings.token:{app_id}"
        bind.execute(
            sa.update(_PUSH).where(_PUSH.c.app_id == app_id).values(token=change(keyring, value, purpose))
        )


def upgrade() -> None:
    with op.batch_alter_table("identity_session_keys", schema=None) as batch_op:
        batch_op.alter_column("session_key", existing_type=sa.String(length=64), type_=sa.Text())
    with op.batch_alter_table("support_push_settings", schema=None) as batch_op:
        batch_op.alter_column("token", existing_type=sa.String(length=64), type_=sa.Text())
    _convert(lambda keyring, value, purpose: keyring.seal(value, purpose=purpose))


def downgrade() -> None:
    _convert(lambda keyring, value, purpose: keyring.unseal_text(value, purpose=purpose))
    with op.batch_alter_table("support_push_settings", schema=None) as batch_op:
        batch_op.alter_column("token", existing_type=sa.Text(), type_=sa.String(length=64))
    with op.batch_alter_table("identity_session_keys", schema=None) as batch_op:
        batch_op.alter_column("session_key", existing_type=sa.Text(), type_=sa.String(length=64))
