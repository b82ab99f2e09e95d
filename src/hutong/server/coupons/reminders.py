"""Expiry reminders: an hourly periodic outbox job tells each user, once per coupon, that a claimed and
unused coupon expires within ``coupon_reminder_hours``: a notice in the host inbox (Messages → Service
notifications, under the mini program the coupon came from, pointing to Wallet → Cards & coupons) and
a Web Push to the user's browsers, through the same path as subscription messages.

"Once" is a conditional UPDATE (``reminded_at IS NULL``) in the notice's own transaction: two runs at
once (a retry after a lost lease) remind one of them, and a run that fails before its commit leaves the
coupon to the next hour's run."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import outbox
from hutong.server.coupons.models import Coupon, Stock
from hutong.server.payments.ids import BEIJING, aware, now
from hutong.server.subscribe import webpush
from hutong.server.subscribe.models import Notification

TOPIC = "coupons.remind"
TEMPLATE = "hutong:coupon_expiring"  # the notices' template id (the platform's own, not an app's)
TITLE = "优惠券即将过期 Coupon expiring"
BATCH = 500
log = get_logger("hutong.coupons.reminders")


async def remind(session: AsyncSession, window: timedelta, at: datetime | None = None) -> int:
    """Remind every owner of a SENDED coupon that expires within ``window`` and was not reminded yet;
    answers how many were reminded. Commits after each notice (see the module's docstring)."""
    at = at or now()
    due = (
        await session.execute(
            select(Coupon.id, Coupon.app_id, Coupon.user_id, Coupon.valid_until, Stock.name)
            .join(Stock, Stock.id == Coupon.stock_pk)
            .where(
                Coupon.state == "SENDED",
                Coupon.reminded_at.is_(None),
                Coupon.valid_until > at,
                Coupon.valid_until <= at + window,
            )
            .order_by(Coupon.valid_until)
            .limit(BATCH)
        )
    ).all()
    await session.commit()  # only read so far: the writes below each start their own transaction
    sent = 0
    for pk, app_id, user_id, valid_until, name in due:
        taken = await session.execute(
            update(Coupon)
            .where(Coupon.id == pk, Coupon.reminded_at.is_(None), Coupon.state == "SENDED")
            .values(reminded_at=at)
            .execution_options(synchronize_session=False)
        )
        if not getattr(taken, "rowcount", 0):
            await session.rollback()
            continue
        until = aware(valid_until).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        message = Notification(
            app_id=app_id,
            user_id=user_id,
            pri_tmpl_id=TEMPLATE,
            title=TITLE,
            page="",  # not a page of the app: the coupon is in the host wallet
            data=[
                {"key": "thing1", "name": "优惠券 Coupon", "value": name},
                {"key": "time2", "name": "到期时间 Expires", "value": until},
                {
                    "key": "thing3",
                    "name": "提示 Note",
                    "value": "到 钱包 → 卡券 使用 Use it in Wallet → Cards & coupons",
                },
            ],
            created_at=at,
        )
        session.add(message)
        await session.flush()
        await webpush.enqueue(session, message)
        await session.commit()
        sent += 1
    return sent


@outbox.periodic(TOPIC, every=timedelta(hours=1), offset=timedelta(minutes=10), timeout=300)
async def run(job: outbox.Job) -> outbox.Outcome:
    window = timedelta(hours=job.settings.coupon_reminder_hours)
    async with job.database.session() as session:
        sent = await remind(session, window)
    log.info("coupons.reminded", coupons=sent)
    return outbox.Outcome.done(body=f"{sent} coupons reminded")
