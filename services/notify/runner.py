"""The delivery runner: sends due deliveries on a pool of threads, each with its own
timeout, so that a slow or dead endpoint holds up nobody else's messages.

A claim moves a delivery's `next_attempt_at` one lease ahead and counts the attempt, in a
transaction that skips rows another replica has locked; a sender that dies mid-send
leaves the delivery to be claimed again when the lease runs out, with the same message id.
"""

from __future__ import annotations

import logging
import random
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from runtime.clock import Clock
from runtime.context import ServiceRuntime
from runtime.db import Database
from runtime.failpoints import failpoint
from runtime.metrics import NOTIFY_DELIVERIES, NOTIFY_DELIVERY_LATENCY
from services.notify.channels import Channels, Outcome, Outgoing
from services.notify.channels.configured import configured_channels
from services.notify.config import NotifySettings
from services.notify.deliveries import finish, outgoing
from services.notify.domain.preferences import retry_delay
from services.notify.store import Delivery

log = logging.getLogger(__name__)


class DeliveryRunner:
    def __init__(
        self, db: Database, clock: Clock, settings: NotifySettings, channels: Channels
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.channels = channels

    def run(self, stop: threading.Event) -> None:
        size = self.settings.senders
        busy: set[Future] = set()
        with ThreadPoolExecutor(size, thread_name_prefix="notify-send") as pool:
            while not stop.is_set():
                busy = {future for future in busy if not future.done()}
                claimed: list[Outgoing] = []
                if len(busy) < size:
                    try:
                        claimed = self.claim(size - len(busy))
                    except Exception:
                        log.exception("claiming deliveries failed; trying again")
                    busy.update(pool.submit(self.attempt, message) for message in claimed)
                if not claimed:
                    stop.wait(self.settings.poll_seconds)

    def claim(self, limit: int) -> list[Outgoing]:
        now = self.clock.now()
        with self.db.transaction() as session:
            due = list(
                session.scalars(
                    select(Delivery)
                    .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
                    .order_by(Delivery.next_attempt_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for delivery in due:
                delivery.attempts += 1
                delivery.next_attempt_at = now + timedelta(seconds=self.settings.lease_seconds)
            return [outgoing(session, delivery, now) for delivery in due]

    def attempt(self, message: Outgoing) -> Outcome:
        outcome = self.channels.send(message)
        failpoint("notify.after_send")
        try:
            self.record(message, outcome)
        except Exception:
            # The lease runs out and the delivery is sent again, with the same message id.
            log.exception("recording delivery %s failed", message.message_id)
        return outcome

    def record(self, message: Outgoing, outcome: Outcome) -> None:
        now = self.clock.now()
        with self.db.transaction() as session:
            delivery = session.scalar(
                select(Delivery).where(Delivery.message_id == message.message_id).with_for_update()
            )
            if delivery is None or delivery.status != "pending":
                return
            result = outcome.result
            if result == "retry" and delivery.attempts >= self.settings.max_attempts:
                result = "dead"
            if result == "retry":
                delay = retry_delay(
                    delivery.attempts,
                    self.settings.retry_base,
                    self.settings.retry_cap,
                    random.random(),
                )
                delivery.next_attempt_at = now + timedelta(seconds=delay)
                delivery.last_error = outcome.detail[:500]
            else:
                finish(session, delivery, result, outcome, now, self.settings)
        NOTIFY_DELIVERIES.labels(message.channel, result).inc()
        if result == "delivered":
            NOTIFY_DELIVERY_LATENCY.labels(message.channel).observe(
                max(0.0, (now - message.event_time).total_seconds())
            )
        log.info(
            "delivery %s %s on %s: %s",
            message.message_id,
            result,
            message.channel,
            outcome.detail,
        )


def run_deliveries(rt: ServiceRuntime, stop: threading.Event) -> None:
    """The notify worker's loop (ServiceSpec.loops)."""
    settings = NotifySettings.from_env()
    channels = configured_channels(settings, rt.settings.contact_keys)
    DeliveryRunner(rt.db, rt.clock, settings, channels).run(stop)
