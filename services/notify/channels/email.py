"""E-mail over SMTP (smtplib): Chinese subject and body, plain text and HTML, a stable
Message-ID per delivery. `file:///dir` writes .eml files instead (the standalone sink)."""

from __future__ import annotations

import html
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from services.notify.channels import Outcome, Outgoing


class EmailSender:
    def __init__(self, url: str, mail_from: str, timeout: float) -> None:
        self.url = urlsplit(url)
        self.mail_from = mail_from
        self.timeout = timeout
        options = parse_qs(self.url.query)
        self.starttls = options.get("starttls", ["0"])[0] == "1"

    def compose(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(message.event_time)
        domain = self.mail_from.rpartition("@")[2] or "renda"
        mail["Message-ID"] = f"<{message.message_id}@{domain}>"
        text = message.body or message.subject
        mail.set_content(text)
        mail.add_alternative(
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            f"<h3>{html.escape(message.subject)}</h3><p>{html.escape(text)}</p></html>",
            subtype="html",
        )
        return mail

    def __call__(self, message: Outgoing) -> Outcome:
        mail = self.compose(message)
        if self.url.scheme == "file":
            folder = Path(unquote(self.url.path))
            folder.mkdir(parents=True, exist_ok=True)
            # Written aside, then renamed: whoever watches the folder never reads half a mail.
            final = folder / f"{message.message_id}.eml"
            partial = folder / f".{message.message_id}.eml.partial"
            partial.write_bytes(mail.as_bytes())
            os.replace(partial, final)
            return Outcome("delivered", f"written to {folder}")
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            return Outcome("refused" if permanent else "retry", f"recipient refused: {codes}")
        except smtplib.SMTPResponseException as exc:
            result = "refused" if exc.smtp_code >= 500 else "retry"
            return Outcome(result, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:500])
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome("retry", f"{type(exc).__name__}: {exc}"[:500])
        return Outcome("delivered")

    def _connect(self) -> smtplib.SMTP:
        host = self.url.hostname or "localhost"
        if self.url.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host,
                self.url.port or 465,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(host, self.url.port or 25, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
        if self.url.username:
            smtp.login(unquote(self.url.username), unquote(self.url.password or ""))
        return smtp
