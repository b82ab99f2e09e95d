"""Payment secrets are sealed (server/sealing.py): merchants' APIv3 keys and the platform's payment
signing keys. The APIv3 key column widens to text; existing values are sealed for their rows (and
opened again on the way down). The master key comes from the caller or the settings, and is needed
only when there are rows.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import context, op

from hutong.server.sealing import Keyring

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_MERCHANTS = sa.table("payment_merchants", sa.column("mchid", sa.String), sa.column("apiv3_key", sa.Text))
_KEYS = sa.table(
    "wechatpay_platform_keys", sa.column("serial_no", sa.String), sa.column("private_key_pem", sa.Text)
)


def _keyring() -> Keyring:
    given = context.config.attributes.get("keyring")
    if isinstance(given, Keyring):
        return given
    from hutong.settings import get_settings

    return Keyring.from_settings(get_settings())


def _convert(change: Callable[[Keyring, str, str], str]) -> None:
    bind = op.get_bind()
    merchants = bind.execute(
        sa.select(_MERCHANTS.c.mchid, _MERCHANTS.c.apiv3_key).where(_MERCHANTS.c.apiv3_key.is_not(None))
    ).all()
    keys = bind.execute(sa.select(_KEYS.c.serial_no, _KEYS.c.private_key_pem)).all()
    if not merchants and not keys:
        return
    keyring = _keyring()
    for mchid, value in merchants:
        sealed = change(keyring, value, f"payment_merchants.apiv3_key:{mchid}")
        bind.execute(sa.update(_MERCHANTS).where(_MERCHANTS.c.mchid == mchid).values(apiv3_key=sealed))
    for serial_no, value in keys:
        sealed = change(keyring, value, f"wechatpay_platform_keys.private_key_pem:{serial_no}")
        bind.execute(sa.update(_KEYS).where(_KEYS.c.serial_no == serial_no).values(private_key_pem=sealed))


def upgrade() -> None:
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.alter_column("apiv3_key", existing_type=sa.String(length=32), type_=sa.Text())
    _convert(lambda keyring, value, purpose: keyring.seal(value, purpose=purpose))


def downgrade() -> None:
    _convert(lambda keyring, value, purpose: keyring.unseal_text(value, purpose=purpose))
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.alter_column("apiv3_key", existing_type=sa.Text(), type_=sa.String(length=32))
