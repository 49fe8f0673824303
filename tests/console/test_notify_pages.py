"""The console's notify pages (issue 8): inbox, preferences, webhook endpoints and dead
deliveries, and who may open which."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import select
from werkzeug.test import Client

from renda.demo import deputy_id, unit_id
from services.notify.store import Delivery, InboxMessage, WebhookEndpoint
from tests.api.helpers import bearer, idem, new_key, wait_for
from tests.console.conftest import ARTEFACTS, Console, csrf
from tests.support.browser import serving, start_chromium, wait_for_new_page

EDU = f"unit:{unit_id('450102', 'EDU')}"
HOUSING = f"unit:{unit_id('450102', 'HOUSING')}"
D001 = f"deputy:{deputy_id('450102', 1)}"
START = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
STATION = "450102001-S1"


def messages(console: Console, recipient: str, subjects: list[str]) -> list[int]:
    """Inbox messages as notify's handlers leave them, oldest first; their ids."""
    rt = console.system.runtime("notify")
    with rt.db.transaction() as session:
        rows = [
            InboxMessage(
                tenant="450102",
                tenant_path="450100/450102",
                recipient=recipient,
                kind="test",
                subject=subject,
                body=f"{subject}的正文",
                event_id=str(uuid.uuid4()),
                created_at=START + timedelta(minutes=i),
            )
            for i, subject in enumerate(subjects)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def page(client: Client, path: str) -> tuple[int, str]:
    answer = client.get(path)
    return answer.status_code, answer.get_data(as_text=True)


def post(client: Client, path: str, form_page: str, **data: object) -> tuple[int, str]:
    answer = client.post(path, data={"csrf_token": csrf(client, form_page), **data})
    return answer.status_code, answer.get_data(as_text=True)


def unread_in_db(console: Console, message_id: int) -> bool:
    with console.system.runtime("notify").db.session() as session:
        return session.get(InboxMessage, message_id).read_at is None


def test_the_inbox_pages_newest_first_marks_unread_and_counts_them_in_the_nav(
    console: Console,
) -> None:
    subjects = [f"交办通知第{i:02d}号" for i in range(25)]
    ids = messages(console, EDU, subjects)
    edu = console.client("xn.edu")
    status, body = page(edu, "/console/inbox")
    assert status == 200
    assert body.index("交办通知第24号") < body.index("交办通知第23号")
    assert "交办通知第04号" not in body  # 20 a page
    assert re.search(r'id="nav-unread"[^>]*>25<', body)
    assert '<p id="inbox-unread">未读 <strong>25</strong>' in body
    assert body.count("未读</span>") == 20
    older = re.search(r'href="([^"]*before=\d+[^"]*)">更早的消息', body)
    assert older
    status, body = page(edu, older.group(1).replace("&amp;", "&"))
    assert status == 200 and "交办通知第04号" in body and "交办通知第05号" not in body

    # Opening one marks it read and shows it opened; the nav count follows at once.
    status, _ = post(
        edu, f"/console/inbox/messages/{ids[24]}/read", "/console/inbox", recipient=EDU
    )
    assert status == 302 and not unread_in_db(console, ids[24])
    status, body = page(edu, f"/console/inbox?open={ids[24]}")
    assert re.search(rf'id="m-{ids[24]}" class="read">\s*<details open>', body)
    assert "交办通知第24号的正文" in body
    assert re.search(r'id="nav-unread"[^>]*>24<', body)

    status, _ = post(edu, "/console/inbox/read-all", "/console/inbox", recipient=EDU)
    assert status == 302
    status, body = page(edu, "/console/inbox")
    assert "已将 24 条消息标为已读" in body and 'id="nav-unread"' not in body
    assert "未读</span>" not in body


def test_no_one_opens_an_inbox_that_is_not_theirs_by_editing_the_url(console: Console) -> None:
    [secret] = messages(console, EDU, ["教育局的私信"])
    housing = console.client("xn.housing")
    status, body = page(housing, f"/console/inbox?recipient={EDU}")
    assert status == 404 and "教育局的私信" not in body
    status, _ = post(
        housing, f"/console/inbox/messages/{secret}/read", "/console/inbox", recipient=HOUSING
    )
    assert status == 404 and unread_in_db(console, secret)
    status, _ = post(housing, "/console/inbox/read-all", "/console/inbox", recipient=EDU)
    assert status == 404 and unread_in_db(console, secret)
    assert page(housing, f"/console/preferences?recipient={EDU}")[0] == 404

    messages(console, D001, ["代表一的私信"])
    status, body = page(console.client("xn.d002"), f"/console/inbox?recipient={D001}")
    assert status == 404 and "代表一的私信" not in body
    assert "代表一的私信" in page(console.client("xn.d001"), "/console/inbox")[1]

    # The committee reads its own and its director's meeting's inboxes, not another county's.
    messages(console, "directors:450102", ["主任会议的消息"])
    committee = console.client("xn.committee")
    status, body = page(committee, "/console/inbox?recipient=directors:450102")
    assert status == 200 and "主任会议的消息" in body and "主任会议收件箱" in body
    assert page(committee, "/console/inbox?recipient=committee:450103")[0] == 404
    assert page(console.client("xn.edu"), "/console/webhooks")[0] == 403


def test_preferences_save_in_order_and_show_the_apis_reason_beside_the_field(
    console: Console,
) -> None:
    deputy = console.client("xn.d001")
    status, body = page(deputy, "/console/preferences")
    assert status == 200 and '<label for="f-quiet_start">' in body
    status, body = post(
        deputy,
        "/console/preferences",
        "/console/preferences",
        recipient=D001,
        **{"order-email": "1", "order-wechat": "2"},
        quiet_start="22:00",
    )
    assert status == 422
    assert 'id="quiet_end-error"' in body and "give both ends of the quiet hours" in body
    assert 'aria-describedby="quiet_end-error"' in body
    status, _ = post(
        deputy,
        "/console/preferences",
        "/console/preferences",
        recipient=D001,
        **{"order-email": "1", "order-wechat": "2"},
        quiet_start="22:00",
        quiet_end="07:00",
        fallback="yes",
        digest_at="",
    )
    assert status == 302
    answer = console.system.client.get(
        f"/notify/v1/preferences/{D001}", headers=console.system.headers()
    ).get_json()
    assert answer["channels"] == ["email", "wechat"] and answer["fallback"] is True
    assert answer["quiet_start"] == "22:00" and answer["digest_at"] is None
    status, body = page(deputy, "/console/preferences")
    assert re.search(r'name="order-email">.*?<option value="1" selected', body, re.S)


def test_the_committee_sets_its_constituents_quiet_hours(console: Console) -> None:
    committee = console.client("xn.committee")
    status, body = page(committee, "/console/preferences?recipient=constituents:450102")
    assert status == 200 and "群众（意见办理短信）" in body
    assert 'name="order-sms"' in body and 'name="order-email"' not in body
    assert 'value="21:00"' in body and "f-digest_at" not in body
    status, _ = post(
        committee,
        "/console/preferences?recipient=constituents:450102",
        "/console/preferences",
        recipient="constituents:450102",
        **{"order-sms": "1"},
        quiet_start="22:30",
        quiet_end="07:30",
    )
    assert status == 302
    answer = console.system.client.get(
        "/notify/v1/preferences/constituents:450102", headers=console.system.headers()
    ).get_json()
    assert (answer["channels"], answer["quiet_start"]) == (["sms"], "22:30")
    deputy = console.client("xn.d001")
    assert page(deputy, "/console/preferences?recipient=constituents:450102")[0] == 404
    other = "/console/preferences?recipient=constituents:450103"
    assert page(committee, other)[0] == 404


@pytest.fixture
def private_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDA_WEBHOOK_ALLOW_PRIVATE", "1")


def test_the_committee_manages_its_countys_endpoints_and_no_other(
    console: Console, private_webhooks: None
) -> None:
    committee = console.client("xn.committee")
    status, body = post(
        committee,
        "/console/webhooks",
        "/console/webhooks",
        url="ftp://hooks.example.org",
        event_types=["submission.accepted"],
    )
    assert status == 422 and 'id="url-error"' in body and "http or https" in body
    status, body = post(
        committee,
        "/console/webhooks",
        "/console/webhooks",
        url="http://127.0.0.1:9/renda",
        event_types=["submission.accepted"],
    )
    assert status == 200
    secret = re.search(r'<code id="new-secret">(whsec_[^<]+)</code>', body).group(1)
    with console.system.runtime("notify").db.session() as session:
        endpoint = session.scalar(
            select(WebhookEndpoint).where(WebhookEndpoint.url == "http://127.0.0.1:9/renda")
        )
    assert endpoint.tenant == "450102" and endpoint.secret == secret
    status, body = page(committee, "/console/webhooks")
    assert "http://127.0.0.1:9/renda" in body and secret not in body

    qingxiu = console.client("qx.committee")
    assert "127.0.0.1:9/renda" not in page(qingxiu, "/console/webhooks")[1]
    for action in ("delete", "enable", "rotate-secret"):
        path = f"/console/webhooks/{endpoint.id}/{action}"
        assert post(qingxiu, path, "/console/webhooks")[0] == 404

    status, body = post(
        committee, f"/console/webhooks/{endpoint.id}/rotate-secret", "/console/webhooks"
    )
    assert status == 200 and "whsec_" in body and secret not in body

    with console.system.runtime("notify").db.transaction() as session:
        row = session.get(WebhookEndpoint, endpoint.id)
        row.disabled_at, row.disabled_reason = START, "the endpoint answered 410 Gone"
    body = page(committee, "/console/webhooks")[1]
    assert "已停用" in body and "410 Gone" in body and "重新启用" in body
    assert post(committee, f"/console/webhooks/{endpoint.id}/enable", "/console/webhooks")[0] == 302
    assert "410 Gone" not in page(committee, "/console/webhooks")[1]
    assert post(committee, f"/console/webhooks/{endpoint.id}/delete", "/console/webhooks")[0] == 302
    assert "127.0.0.1:9/renda" not in page(committee, "/console/webhooks")[1]


def test_dead_deliveries_are_listed_with_their_error_and_replayed(console: Console) -> None:
    with console.system.runtime("notify").db.transaction() as session:
        dead = Delivery(
            message_id=str(uuid.uuid4()),
            event_id=str(uuid.uuid4()),
            event_type="submission.accepted",
            event_time=START,
            tenant="450102",
            recipient="endpoint:gone",
            channel="webhook",
            address="http://127.0.0.1:9/gone",
            kind="submission.accepted",
            subject="回执",
            body="{}",
            status="dead",
            attempts=8,
            next_attempt_at=START,
            last_error="connection refused",
            created_at=START,
            finished_at=START,
        )
        session.add(dead)
        session.flush()
        delivery_id = dead.id
    committee = console.client("xn.committee")
    body = page(committee, "/console/webhooks")[1]
    assert f'id="delivery-{delivery_id}"' in body and "connection refused" in body
    qingxiu = console.client("qx.committee")
    assert f'id="delivery-{delivery_id}"' not in page(qingxiu, "/console/webhooks")[1]
    path = f"/console/deliveries/{delivery_id}/replay"
    assert post(qingxiu, path, "/console/webhooks")[0] == 404
    status, _ = post(committee, path, "/console/webhooks")
    assert status == 302
    with console.system.runtime("notify").db.session() as session:
        assert session.get(Delivery, delivery_id).status != "dead"
    assert f'id="delivery-{delivery_id}"' not in page(committee, "/console/webhooks")[1]


@pytest.mark.parametrize(
    ("account", "path"),
    [
        ("xn.edu", "/console/inbox/read-all"),
        ("xn.edu", "/console/inbox/messages/1/read"),
        ("xn.edu", "/console/preferences"),
        ("xn.committee", "/console/webhooks"),
        ("xn.committee", "/console/webhooks/x/rotate-secret"),
        ("xn.committee", "/console/webhooks/x/enable"),
        ("xn.committee", "/console/webhooks/x/delete"),
        ("xn.committee", "/console/deliveries/1/replay"),
        ("xn.committee", "/console/notices/boards"),
    ],
)
def test_every_notify_form_needs_its_csrf_token(console: Console, account: str, path: str) -> None:
    answer = console.client(account).post(path, data={"recipient": EDU, "url": "http://x"})
    assert answer.status_code == 400 and "CSRF" in answer.get_data(as_text=True)


def test_the_committee_searches_its_notices_and_boards_and_prints_them(console: Console) -> None:
    signed = console.system.runtimes[0].directory.accounts.sign_in(
        "xn.committee", console.passwords["xn.committee"]
    )
    issued = console.system.client.post(
        "/notify/v1/notices",
        json={
            "title": "关于红色预警建议的通报",
            "body": "教育局两件建议逾期。",
            "figures": [{"label": "逾期件数", "value": "2"}],
            "recipients": [EDU],
        },
        headers={"Authorization": f"Bearer {signed.token}"},
    ).get_json()
    committee = console.client("xn.committee")
    status, body = page(committee, "/console/notices?q=红色预警")
    assert status == 200 and issued["number"] in body
    assert page(committee, "/console/notices?q=没有这种通报")[1].count("打印版") == 0
    answer = committee.get(f"/console/notices/{issued['id']}/print")
    printed = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "兴宁区教育局：" in printed and "逾期件数" in printed
    assert "style-src 'unsafe-inline'" in answer.headers["Content-Security-Policy"]

    pdf = committee.get(f"/console/notices/{issued['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "关于红色预警建议的通报" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()

    qingxiu = console.client("qx.committee")
    assert issued["number"] not in page(qingxiu, "/console/notices")[1]
    assert page(qingxiu, f"/console/notices/{issued['id']}/print")[0] == 404
    assert page(qingxiu, f"/console/notices/{issued['id']}/pdf")[0] == 404
    assert page(console.client("xn.edu"), "/console/notices")[0] == 403

    board = console.system.client.post(
        "/notify/v1/notices/boards",
        json={
            "title": "第一季度履职积分公示",
            "columns": ["代表", "积分"],
            "rows": [["张三", "12"]],
        },
        headers={"Authorization": f"Bearer {signed.token}"},
    ).get_json()
    status, body = page(committee, "/console/notices?kind=board")
    assert status == 200 and board["number"] in body and issued["number"] not in body
    printed = committee.get(f"/console/notices/{board['id']}/print").get_data(as_text=True)
    assert "<th>积分</th>" in printed and "<td>张三</td>" in printed


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.mark.timeout(120)
def test_in_chromium_a_deputy_sees_the_unread_count_and_marks_all_read(
    console: Console, browser: WebDriver
) -> None:
    account = "xn.d002"
    messages(console, f"deputy:{deputy_id('450102', 2)}", ["建议已交办", "单位已答复", "请评价"])
    with serving(console.app) as url:
        base = url + "/console"
        browser.delete_all_cookies()
        browser.get(f"{base}/sign-in")
        browser.find_element(By.ID, "account").send_keys(account)
        browser.find_element(By.ID, "password").send_keys(console.passwords[account])
        html = browser.find_element(By.TAG_NAME, "html")
        browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        wait_for_new_page(browser, html)
        assert browser.find_element(By.ID, "nav-unread").text == "3"
        html = browser.find_element(By.TAG_NAME, "html")
        browser.find_element(By.ID, "nav-inbox").click()
        wait_for_new_page(browser, html)
        assert "请评价" in browser.find_element(By.CSS_SELECTOR, "ol.messages").text
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTEFACTS / "notify-inbox.png"))
        html = browser.find_element(By.TAG_NAME, "html")
        browser.find_element(By.ID, "read-all").click()
        wait_for_new_page(browser, html)
        assert "已将 3 条" in browser.find_element(By.ID, "main").text
        assert not browser.find_elements(By.ID, "nav-unread")
        browser.save_screenshot(str(ARTEFACTS / "notify-inbox-read.png"))


def test_the_committee_makes_notice_boards_of_public_lists(console: Console) -> None:
    s = console.system
    office = bearer(new_key(s, "450102100", "system"))
    answer = s.client.post(
        "/intake/v1/duty-activities",
        json={"deputy_id": "D450102-004", "activity": "training", "occurred_on": "2026-01-09"},
        headers={**office, "Idempotency-Key": idem()},
    )
    receipt = answer.get_json()["href"]
    wait_for(lambda: s.client.get(receipt, headers=office).get_json()["status"] == "accepted")
    committee = console.client("xn.committee")
    points = "/console/points?place=450102100&period=2026-Q1"
    published = committee.post(
        "/console/points/publish",
        data={"csrf_token": csrf(committee, points), "place": "450102100", "period": "2026-Q1"},
    )
    assert published.status_code == 302
    (listed,) = s.client.get("/scoring/v1/public/points-lists?place=450102100").get_json()["items"]

    status, _ = post(
        committee, "/console/notices/boards", "/console/notices", source="points", ref=listed["id"]
    )
    assert status == 302
    status, _ = post(
        committee, "/console/notices/boards", "/console/notices", source="adopted", ref=STATION
    )
    assert status == 302
    status, body = page(committee, "/console/notices?kind=board")
    assert "2026-Q1 代表履职积分公示" in body and "群众意见采纳情况公示" in body
    boards = s.client.get(
        "/notify/v1/notices?kind=board&q=履职积分", headers=s.headers()
    ).get_json()["items"]
    name = s.runtime("scoring").directory.deputy("D450102-004").name
    board = next(b for b in boards if b["title"].startswith("2026-Q1"))
    assert board["columns"] == ["名次", "代表", "积分"] and board["rows"][0][1] == name
    printed = committee.get(f"/console/notices/{board['id']}/print").get_data(as_text=True)
    assert f"<td>{name}</td>" in printed

    missing = post(
        committee, "/console/notices/boards", "/console/notices", source="points", ref="x"
    )
    assert missing[0] == 404
    assert console.client("xn.edu").post("/console/notices/boards").status_code in (400, 403)


def test_a_board_form_submitted_twice_makes_one_board(console: Console) -> None:
    s = console.system
    committee = console.client("xn.committee")
    form = committee.get("/console/notices").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": token, "idempotency_key": key, "source": "adopted", "ref": STATION}

    def boards() -> set[str]:
        found = s.client.get("/notify/v1/notices?kind=board&q=采纳情况公示", headers=s.headers())
        return {b["number"] for b in found.get_json()["items"]}

    before = boards()
    first = committee.post("/console/notices/boards", data=data)
    again = committee.post("/console/notices/boards", data=data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert len(boards() - before) == 1
    another = committee.get("/console/notices").get_data(as_text=True)
    assert f'value="{key}"' not in another
