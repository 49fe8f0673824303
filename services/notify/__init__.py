"""Notify: telling people — inbox, e-mail, SMS, WeChat — and county systems, by webhook."""

from pathlib import Path

from runtime.service import ServiceSpec
from services.notify.deliveries import prune_deliveries
from services.notify.digests import send_digests
from services.notify.handlers import HANDLERS
from services.notify.runner import run_deliveries
from services.notify.store import Base


def _blueprints() -> list:
    from services.notify.api.contacts import blp as contacts
    from services.notify.api.deliveries import blp as deliveries
    from services.notify.api.inbox import blp as inbox
    from services.notify.api.notices import blp as notices
    from services.notify.api.templates import blp as templates
    from services.notify.api.webhooks import blp as webhooks

    return [inbox, contacts, templates, webhooks, deliveries, notices]


SPEC = ServiceSpec(
    name="notify",
    title="Inboxes, contacts and preferences, webhook endpoints and the delivery log.",
    metadata=Base.metadata,
    migrations=Path(__file__).parent / "migrations",
    blueprints=_blueprints,
    handlers=HANDLERS,
    ticks={"notify.digests": send_digests, "notify.prune_deliveries": prune_deliveries},
    loops={"deliveries": run_deliveries},
)
