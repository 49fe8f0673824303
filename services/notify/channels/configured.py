"""The adapters that the settings configure."""

from __future__ import annotations

from contracts.contact import cipher
from services.notify.channels import Channels, Send
from services.notify.channels.email import EmailSender
from services.notify.channels.sms import SmsSender
from services.notify.channels.webhook import WebhookSender
from services.notify.channels.wechat import WeChatSender
from services.notify.config import NotifySettings


def configured_channels(settings: NotifySettings, contact_keys: tuple[str, ...] = ()) -> Channels:
    """`contact_keys` (RENDA_CONTACT_KEYS) open constituents' phones for the SMS channel."""
    senders: dict[str, Send] = {"webhook": WebhookSender(settings.send_timeout)}
    if settings.smtp_url:
        senders["email"] = EmailSender(settings.smtp_url, settings.mail_from, settings.send_timeout)
    if settings.sms_url:
        senders["sms"] = SmsSender(
            settings.sms_url,
            settings.sms_token,
            settings.send_timeout,
            cipher(contact_keys).decrypt if contact_keys else None,
            settings.sms_signature,
        )
    if settings.wechat_api and settings.wechat_appid and settings.wechat_secret:
        senders["wechat"] = WeChatSender(
            settings.wechat_api,
            settings.wechat_appid,
            settings.wechat_secret,
            settings.wechat_templates,
            settings.send_timeout,
        )
    return Channels(senders)


def configured_names(settings: NotifySettings) -> frozenset[str]:
    """The personal channels that can be planned (without building the adapters)."""
    names = {
        "email": settings.smtp_url,
        "sms": settings.sms_url,
        "wechat": settings.wechat_api and settings.wechat_appid and settings.wechat_secret,
    }
    return frozenset(name for name, configured in names.items() if configured)
