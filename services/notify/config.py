"""Notify's settings, read from the environment (docs/configuration.md, "Notify")."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from contracts.zone import SHANGHAI

REQUESTS_PER_SEND = 4
"""The most requests one send makes, each within the send timeout: WeChat's token, the
message, and both again when the token turned out to be invalid."""


@dataclass(frozen=True)
class NotifySettings:
    smtp_url: str | None = None
    """smtp://user:password@host:port (STARTTLS with ?starttls=1, TLS with smtps://),
    or file:///dir to write each e-mail as an .eml file there (the standalone sink)."""
    mail_from: str = "renda@localhost"
    sms_url: str | None = None
    sms_token: str | None = None
    sms_signature: str = "【人大代表建议】"
    wechat_api: str | None = None
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    wechat_templates: dict[str, dict] = field(default_factory=dict)
    timezone: str = SHANGHAI.key
    senders: int = 8
    send_timeout: float = 10.0
    lease_seconds: float = 60.0
    poll_seconds: float = 0.5
    max_attempts: int = 8
    retry_base: float = 30.0
    retry_cap: float = 3600.0
    allow_private_webhooks: bool = False
    log_retention_days: float = 90.0
    notice_font: str | None = None
    """A TrueType/.ttc file embedded in notices' PDFs; unset: the standard Chinese CID font."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> NotifySettings:
        env = dict(os.environ if env is None else env)
        g = env.get
        settings = cls(
            smtp_url=g("RENDA_SMTP_URL") or None,
            mail_from=g("RENDA_MAIL_FROM", "renda@localhost"),
            sms_url=g("RENDA_SMS_URL") or None,
            sms_token=g("RENDA_SMS_TOKEN") or None,
            sms_signature=g("RENDA_SMS_SIGNATURE") or "【人大代表建议】",
            wechat_api=g("RENDA_WECHAT_API") or None,
            wechat_appid=g("RENDA_WECHAT_APPID") or None,
            wechat_secret=g("RENDA_WECHAT_SECRET") or None,
            wechat_templates=json.loads(g("RENDA_WECHAT_TEMPLATES") or "{}"),
            timezone=g("RENDA_NOTIFY_TIMEZONE", SHANGHAI.key),
            senders=int(g("RENDA_NOTIFY_SENDERS", "8")),
            send_timeout=float(g("RENDA_NOTIFY_SEND_TIMEOUT", "10")),
            lease_seconds=float(g("RENDA_NOTIFY_LEASE_SECONDS", "60")),
            poll_seconds=float(g("RENDA_NOTIFY_POLL_SECONDS", "0.5")),
            max_attempts=int(g("RENDA_NOTIFY_MAX_ATTEMPTS", "8")),
            retry_base=float(g("RENDA_NOTIFY_RETRY_BASE", "30")),
            retry_cap=float(g("RENDA_NOTIFY_RETRY_CAP", "3600")),
            allow_private_webhooks=g("RENDA_WEBHOOK_ALLOW_PRIVATE", "0") == "1",
            log_retention_days=float(g("RENDA_NOTIFY_LOG_RETENTION_DAYS", "90")),
            notice_font=g("RENDA_NOTICE_FONT") or None,
        )
        if settings.lease_seconds <= REQUESTS_PER_SEND * settings.send_timeout:
            # A lease that ran out mid-send would let another sender send it again.
            raise ValueError(
                f"RENDA_NOTIFY_LEASE_SECONDS must exceed {REQUESTS_PER_SEND} × "
                "RENDA_NOTIFY_SEND_TIMEOUT (the longest one send can take)"
            )
        return settings
