"""Notify's pure rules: channels and their order, quiet hours, back-off, and who hears of
a key suggestion's colour."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from contracts.zone import SHANGHAI
from services.notify.channels.sms import MAX_CHARS, sms_text
from services.notify.config import NotifySettings
from services.notify.domain.messages import colour_changed
from services.notify.domain.preferences import Preferences, not_before, retry_delay, routes
from services.notify.webhooks import new_secret, secret_problem, url_problem

NIGHT = Preferences(quiet_start=time(22, 0), quiet_end=time(7, 30))
ADDRESSES = {"email": "a@example.cn", "sms": "+8613800000000", "wechat": "openid-1"}


def test_a_yellow_or_red_key_suggestion_reaches_the_directors_meeting() -> None:
    for colour in ("yellow", "red"):
        told = colour_changed("450102", "U1", "N1", "t", colour, date(2026, 12, 1), True)
        assert [m.recipient for m in told][-1] == "directors:450102"
        assert all(m.urgent == (colour == "red") for m in told)
    told = colour_changed("450102", "U1", "N1", "t", "yellow", date(2026, 12, 1), False)
    assert "directors:450102" not in [m.recipient for m in told]


def test_every_channel_by_default_or_one_chain_with_fallback() -> None:
    assert routes(ADDRESSES, Preferences()) == [
        [("wechat", "openid-1")],
        [("sms", "+8613800000000")],
        [("email", "a@example.cn")],
    ]
    chain = Preferences(channels=("wechat", "sms"), fallback=True)
    assert routes(ADDRESSES, chain) == [[("wechat", "openid-1"), ("sms", "+8613800000000")]]
    assert routes({"email": "a@example.cn"}, chain) == []


def test_quiet_hours_hold_sms_until_morning_but_not_red_or_email() -> None:
    late = datetime(2026, 12, 1, 23, 15, tzinfo=SHANGHAI).astimezone(UTC)
    morning = datetime(2026, 12, 2, 7, 30, tzinfo=SHANGHAI)
    assert not_before("sms", False, late, NIGHT, SHANGHAI) == morning
    assert not_before("wechat", False, late, NIGHT, SHANGHAI) == morning
    assert not_before("sms", True, late, NIGHT, SHANGHAI) == late
    assert not_before("email", False, late, NIGHT, SHANGHAI) == late
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)
    assert not_before("sms", False, noon, NIGHT, SHANGHAI) == noon
    early = datetime(2026, 12, 2, 6, 0, tzinfo=SHANGHAI)
    assert not_before("sms", False, early, NIGHT, SHANGHAI) == morning


def test_back_off_grows_and_stays_under_its_cap() -> None:
    assert [retry_delay(n, 30, 3600, 0.0) for n in (1, 2, 3)] == [15, 30, 60]
    assert retry_delay(20, 30, 3600, 0.999) < 3600


def test_sms_text_fits_two_parts() -> None:
    assert len(sms_text("建议" * 100, "正文" * 100)) == MAX_CHARS
    assert sms_text("意见已办结", "", "【兴宁区人大】") == "【兴宁区人大】意见已办结"


def test_webhook_urls_and_secrets_are_checked() -> None:
    assert url_problem("ftp://example.cn/hook", False) == "must be an http or https URL"
    assert "private or loopback" in (url_problem("http://127.0.0.1:8080/hook", False) or "")
    assert "private or loopback" in (url_problem("https://10.1.2.3/hook", False) or "")
    assert url_problem("http://127.0.0.1:8080/hook", True) is None
    assert url_problem("https://user:pw@example.cn/", True) is not None
    assert secret_problem(new_secret()) is None
    assert "too short" in (secret_problem("whsec_c2hvcnQ=") or "")
    assert secret_problem("plain-secret") is not None


def test_a_lease_shorter_than_the_longest_send_is_refused() -> None:
    with pytest.raises(ValueError, match="RENDA_NOTIFY_LEASE_SECONDS must exceed 4"):
        NotifySettings.from_env({"RENDA_NOTIFY_LEASE_SECONDS": "30"})
    assert NotifySettings.from_env({}).lease_seconds == 60
