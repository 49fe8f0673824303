"""Each channel adapter against a local fake of its far side: what it sends, and how the
answer maps to delivered, refused or retry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from contracts.contact import ContactCipher
from services.notify.channels import Outgoing
from services.notify.channels.email import EmailSender
from services.notify.channels.sms import SmsSender
from services.notify.channels.wechat import WeChatSender
from tests.support.fakes.sms import sms_gateway, texts
from tests.support.fakes.smtp import SmtpSink
from tests.support.fakes.wechat import sent, tokens_fetched, wechat_api

TEMPLATES = {"*": {"template_id": "T-1", "fields": {"thing1": "subject", "thing2": "body"}}}


def message(channel: str, address: str) -> Outgoing:
    return Outgoing(
        message_id="5f0c7c5e-0000-4000-8000-000000000001",
        channel=channel,
        address=address,
        kind="assignment.new",
        subject="新交办建议 450102-2026-0001: 关于增加城区小学学位的建议",
        body="贵单位为主办单位，请于 2027-03-01 前办理答复。",
        event_type="suggestion.assigned",
        event_time=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    )


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_email_is_chinese_plain_and_html_with_a_stable_message_id(smtp: SmtpSink) -> None:
    sender = EmailSender(smtp.url, "renda@450102.example.cn", timeout=5)
    assert sender(message("email", "edu@example.cn")).result == "delivered"
    assert sender(message("email", "edu@example.cn")).result == "delivered"
    first, again = smtp.messages
    assert (
        first["Message-ID"]
        == again["Message-ID"]
        == ("<5f0c7c5e-0000-4000-8000-000000000001@450102.example.cn>")
    )
    assert first["Subject"].startswith("新交办建议")
    assert first.get_body(("plain",)).get_content().strip().startswith("贵单位为主办单位")
    assert "<h3>新交办建议" in first.get_body(("html",)).get_content()


def test_email_to_a_mailbox_that_does_not_exist_is_refused(smtp: SmtpSink) -> None:
    outcome = EmailSender(smtp.url, "renda@example.cn", 5)(message("email", "nobody@example.cn"))
    assert outcome.result == "refused"


def test_the_file_sink_never_shows_half_a_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = EmailSender(f"file://{tmp_path}", "renda@example.cn", timeout=5)
    assert sink(message("email", "edu@450102.example.cn")).result == "delivered"
    (mail,) = tmp_path.glob("*.eml")
    assert b"edu@450102.example.cn" in mail.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [mail.name]

    def interrupted(source: object, target: object) -> None:
        raise OSError("the process died before the rename")

    monkeypatch.setattr("services.notify.channels.email.os.replace", interrupted)
    with pytest.raises(OSError):
        sink(
            replace(
                message("email", "edu@450102.example.cn"),
                message_id="5f0c7c5e-0000-4000-8000-000000000002",
            )
        )
    assert list(tmp_path.glob("*.eml")) == [mail]  # a reader of *.eml sees whole mails only


def test_email_to_a_server_that_is_not_there_is_retried() -> None:
    outcome = EmailSender("smtp://127.0.0.1:9", "renda@example.cn", 2)(message("email", "a@b.cn"))
    assert outcome.result == "retry"


@pytest.mark.parametrize(
    ("status", "result"), [(200, "delivered"), (500, "retry"), (429, "retry"), (400, "refused")]
)
def test_sms_gateway_answers(status: int, result: str) -> None:
    gateway = sms_gateway(status)
    try:
        outcome = SmsSender(gateway.url + "/send", "t0ken", 5)(message("sms", "+8613800000000"))
        assert outcome.result == result
        (text,) = texts(gateway)
        assert text["reference"] == "5f0c7c5e-0000-4000-8000-000000000001"
        assert gateway.requests[0].headers["authorization"] == "Bearer t0ken"
    finally:
        gateway.stop()


def test_a_constituents_phone_is_opened_only_to_send_and_masked_in_the_outcome() -> None:
    keys = ContactCipher([Fernet.generate_key().decode()])
    sealed = replace(
        message("sms", "139****5678"), payload={"phone_encrypted": keys.encrypt("13912345678")}
    )
    gateway = sms_gateway(400)
    try:
        refused = SmsSender(gateway.url + "/send", None, 5, keys.decrypt)(sealed)
        (text,) = texts(gateway)
        assert text["to"] == "13912345678"
        assert refused.result == "refused" and "13912345678" not in refused.detail
        # A key that no longer opens it (retired): refused, nothing sent.
        other = ContactCipher([Fernet.generate_key().decode()])
        unopened = SmsSender(gateway.url + "/send", None, 5, other.decrypt)(sealed)
        assert unopened.result == "refused" and len(texts(gateway)) == 1
    finally:
        gateway.stop()


def test_wechat_token_is_cached_and_refreshed_when_invalid() -> None:
    api = wechat_api(0, 40001)
    try:
        sender = WeChatSender(api.url, "wx-test", "wx-secret", TEMPLATES, 5)
        assert sender(message("wechat", "openid-1")).result == "delivered"
        assert tokens_fetched(api) == 1
        # The API says the token is invalid: a new one is fetched and the message resent.
        assert sender(message("wechat", "openid-1")).result == "delivered"
        assert tokens_fetched(api) == 2
        body = sent(api)[0]
        assert body["touser"] == "openid-1" and body["template_id"] == "T-1"
        assert len(body["data"]["thing1"]["value"]) == 20
    finally:
        api.stop()


@pytest.mark.parametrize(
    ("errcode", "result"), [(43101, "refused"), (40003, "refused"), (-1, "retry")]
)
def test_wechat_error_codes(errcode: int, result: str) -> None:
    api = wechat_api(errcode)
    try:
        sender = WeChatSender(api.url, "wx-test", "wx-secret", TEMPLATES, 5)
        assert sender(message("wechat", "openid-1")).result == result
    finally:
        api.stop()


def test_wechat_with_wrong_credentials_is_retried() -> None:
    api = wechat_api()
    try:
        outcome = WeChatSender(api.url, "wx-test", "wrong", TEMPLATES, 5)(message("wechat", "o-1"))
        assert outcome.result == "retry" and "no access token" in outcome.detail
    finally:
        api.stop()
