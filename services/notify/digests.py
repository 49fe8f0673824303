"""The daily digest: what a recipient who asked for one was held, sent once a day per
channel at their chosen local time (a scheduled tick of the notify worker)."""

from __future__ import annotations

from collections import defaultdict
from datetime import time

from sqlalchemy import select

from runtime.work import WorkContext
from services.notify.config import NotifySettings
from services.notify.domain.messages import Message
from services.notify.domain.preferences import digest_due
from services.notify.planning import Source, new_delivery
from services.notify.store import Delivery, Preference

MAX_LINES = 30


def send_digests(ctx: WorkContext) -> None:
    settings = NotifySettings.from_env()
    now = ctx.clock.now()
    for row in ctx.session.scalars(select(Preference).where(Preference.digest_at.is_not(None))):
        moment = digest_due(time.fromisoformat(row.digest_at or ""), now, settings.zone)
        if moment is None:
            continue
        held = ctx.session.scalars(
            select(Delivery)
            .where(
                Delivery.recipient == row.recipient,
                Delivery.status == "held",
                Delivery.created_at <= moment,
            )
            .order_by(Delivery.id)
            .with_for_update()
        )
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in held:
            by_channel[delivery.channel].append(delivery)
        day = moment.date().isoformat()
        for channel, items in by_channel.items():
            _digest(ctx, row.recipient, channel, items, day)


def _digest(
    ctx: WorkContext, recipient: str, channel: str, items: list[Delivery], day: str
) -> None:
    now = ctx.clock.now()
    lines = [f"· {item.subject}" for item in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        lines.append(f"……另有 {len(items) - MAX_LINES} 条，请登录平台查看。")
    message = Message(recipient, "digest", f"{day} 每日汇总（{len(items)} 条）", "\n".join(lines))
    source = Source(f"digest-{day}", "notify.digest", now, items[0].tenant)
    # The log holds one digest per day, recipient and channel; what was held after it
    # went out waits for the next day's.
    sent = ctx.session.scalar(
        select(Delivery.id).where(
            Delivery.event_id == source.event_id,
            Delivery.recipient == recipient,
            Delivery.channel == channel,
        )
    )
    if sent is not None:
        return
    ctx.session.add(
        new_delivery(source, recipient, channel, items[-1].address, message, now, created_at=now)
    )
    for item in items:
        item.status = "digested"
        item.finished_at = now
