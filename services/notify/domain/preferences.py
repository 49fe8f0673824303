"""Which channels a message goes out on, and when (pure rules, DOMAIN.md §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

PERSONAL_CHANNELS = ("wechat", "sms", "email")
"""Channels that reach a person, in the default order (most people read WeChat first)."""

QUIET_CHANNELS = frozenset({"wechat", "sms"})
"""Channels that wake a phone: held during quiet hours unless the message is urgent."""

Route = tuple[str, str]
"""(channel, address)."""


@dataclass(frozen=True)
class Preferences:
    channels: tuple[str, ...] = PERSONAL_CHANNELS
    """The channels wanted, in order; a channel left out is off."""
    fallback: bool = False
    """True: only the first reachable channel, the next one only if that one fails."""
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest_at: time | None = None
    """Set: one message a day at this local time instead of single ones (urgent excepted)."""


CONSTITUENT_CHANNELS = ("sms",)
"""A constituent leaves only a phone."""

CONSTITUENTS = Preferences(channels=CONSTITUENT_CHANNELS, quiet_start=time(21), quiet_end=time(8))
"""A tenant's constituents' preferences until its committee sets its own (the
`constituents:<tenant>` preferences): SMS, never between 21:00 and 08:00."""


def routes(addresses: dict[str, str], prefs: Preferences) -> list[list[Route]]:
    """Chains of (channel, address): the first of each chain is sent now, the rest are
    tried in order if it fails. Channels without an address are skipped."""
    wanted = [(c, addresses[c]) for c in prefs.channels if addresses.get(c)]
    if not wanted:
        return []
    return [wanted] if prefs.fallback else [[route] for route in wanted]


def not_before(
    channel: str, urgent: bool, now: datetime, prefs: Preferences, zone: tzinfo
) -> datetime:
    """When a message may go out: now, or the end of the recipient's quiet hours."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if urgent or channel not in QUIET_CHANNELS or start is None or end is None or start == end:
        return now
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    overnight = start > end
    quiet = (clock >= start or clock < end) if overnight else (start <= clock < end)
    if not quiet:
        return now
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake


def retry_delay(attempt: int, base: float, cap: float, jitter: float) -> float:
    """Exponential back-off after the `attempt`-th failure (1-based), `jitter` in [0, 1)
    spreading retries of many deliveries that failed together ("full jitter" on half)."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def digest_due(digest_at: time, now: datetime, zone: tzinfo) -> datetime | None:
    """Today's digest moment if it has come (the digest then holds what arrived before it)."""
    local = now.astimezone(zone)
    moment = local.replace(hour=digest_at.hour, minute=digest_at.minute, second=0, microsecond=0)
    return moment if moment <= local else None
