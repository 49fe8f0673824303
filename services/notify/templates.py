"""Tenants' own words: Jinja2 templates, sandboxed, that replace a message kind's subject
and body. A template sees the built-in `subject` and `body`, the `recipient`, the event's
`data` and its `event` type; one that fails to render leaves the built-in words."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from services.notify.domain.messages import Message

log = logging.getLogger(__name__)
ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
SAMPLE = {
    "subject": "新交办建议 450102-2026-0001: 关于增加城区小学学位的建议",
    "body": "贵单位为主办单位，请于 2027-03-01 前办理答复。",
    "recipient": "unit:U450102-EDU",
    "event": "suggestion.assigned",
    "data": {"number": "450102-2026-0001", "title": "关于增加城区小学学位的建议"},
}


def template_problem(text: str) -> str | None:
    """Why a template is refused (it does not compile), or None."""
    try:
        ENV.from_string(text)
    except TemplateError as exc:
        return f"not a valid template: {exc}"
    return None


def apply(message: Message, subject: str, body: str, event: str, data: dict[str, Any]) -> Message:
    context = {
        "subject": message.subject,
        "body": message.body,
        "recipient": message.recipient,
        "event": event,
        "data": data,
    }
    try:
        return replace(
            message,
            subject=ENV.from_string(subject).render(context)[:300],
            body=ENV.from_string(body).render(context),
        )
    except TemplateError:
        log.exception("template for %s failed; the built-in words are used", message.kind)
        return message
