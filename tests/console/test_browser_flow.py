"""The suggestion cycle done in a real Chromium, by the people who do it (issue 9).

A committee member screens and assigns, the unit records a contact and replies B, the
deputy rates it basically satisfied, and the committee makes the second assignment and
sees its figures change. Each page is saved as a screenshot under tmp/artefacts/console.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.console.conftest import ARTEFACTS, Console
from tests.support.browser import serving, start_chromium, wait_for_new_page
from tests.support.system import GOOD_SUGGESTION

pytestmark = pytest.mark.timeout(240)

# 涉法涉诉 is on 兴宁区's negative list: the suggestion waits for the committee's screening.
FLAGGED = {**GOOD_SUGGESTION, "body": "兴宁区学位紧张，建议新建小学一所（不涉法涉诉）。"}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def base(console: Console) -> Iterator[str]:
    with serving(console.app) as url:
        yield url + "/console"


def shot(browser: WebDriver, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script("window.scrollTo(0, 0)")
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1366, max(768, min(int(height) + 100, 4000)))
    browser.save_screenshot(str(ARTEFACTS / f"{name}.png"))
    browser.set_window_size(1366, 768)


def sign_in(browser: WebDriver, base: str, console: Console, account: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{base}/sign-in")
    browser.find_element(By.ID, "account").send_keys(account)
    browser.find_element(By.ID, "password").send_keys(console.passwords[account])
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    wait_for_new_page(browser, page)
    assert browser.find_element(By.CSS_SELECTOR, ".me span").text.startswith(console.names[account])


def submit(browser: WebDriver, action: str) -> str:
    """Submit an action's form; the message that answers it (accepted, or why not)."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, f"#form-{action} button[type=submit]").click()
    wait_for_new_page(browser, page)
    return browser.find_element(By.CSS_SELECTOR, ".flash, .error").text


def text(browser: WebDriver, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def test_the_cycle_in_a_browser(browser: WebDriver, base: str, console: Console) -> None:
    answer = console.system.file(FLAGGED)
    receipt = console.system.settled_receipt(answer.get_json()["id"])
    sid = receipt["resource"]["id"]

    # The committee: dashboard, worklist, screening and assignment.
    sign_in(browser, base, console, "xn.committee")
    assigned_before = int(text(browser, "count-assigned"))
    shot(browser, "01-committee-dashboard")
    browser.get(f"{base}/suggestions?state=submitted")
    row = browser.find_element(By.LINK_TEXT, FLAGGED["title"])
    assert "涉法涉诉" in browser.page_source  # the negative-list flag is shown
    shot(browser, "02-screening-worklist")
    row.click()
    Select(browser.find_element(By.ID, "screen-decision")).select_by_value("accept")
    assert "审查：已受理" in submit(browser, "screen")
    # The routing rule assigned it to the education bureau; the form starts from that.
    assert text(browser, "lead-unit") == "兴宁区教育局"
    lead = Select(browser.find_element(By.ID, "assign-lead_unit_id"))
    assert lead.first_selected_option.get_attribute("value") == "U450102-EDU"
    browser.find_element(By.ID, "assign-co_unit_ids-U450102-HOUSING").click()
    assert "交办：已受理" in submit(browser, "assign")
    assert "兴宁区住房和城乡建设局" in text(browser, "timeline")
    shot(browser, "03-suggestion-assigned")

    # The co-handling unit sends its input to the lead unit.
    sign_in(browser, base, console, "xn.housing")
    browser.get(f"{base}/suggestions/{sid}")
    browser.find_element(By.ID, "co_input-text").send_keys("可提供新校选址的规划条件。")
    assert "协办意见：已受理" in submit(browser, "co_input")

    # The unit: its assignments, a contact, a B reply.
    sign_in(browser, base, console, "xn.edu")
    assert browser.find_element(By.TAG_NAME, "h1").text == "我的交办"
    shot(browser, "04-unit-assignments")
    browser.find_element(By.LINK_TEXT, FLAGGED["title"]).click()
    Select(browser.find_element(By.ID, "record-kind")).select_by_value("contact")
    Select(browser.find_element(By.ID, "record-stage")).select_by_value("before")
    browser.find_element(By.ID, "record-text").send_keys("电话联系王代表，了解学位缺口。")
    assert "办理记录：已受理" in submit(browser, "record")
    browser.find_element(By.ID, "reply-reply_class-B").click()
    browser.find_element(By.ID, "reply-text").send_keys("已列入明年新建学校计划。")
    shot(browser, "05-unit-reply-form")
    assert "答复：已受理" in submit(browser, "reply")
    assert text(browser, "state") == "已答复"

    # The deputy: the reply awaiting evaluation, rated basically satisfied on both axes.
    sign_in(browser, base, console, "xn.d001")
    assert (
        FLAGGED["title"]
        in browser.find_element(By.ID, "awaiting-h").find_element(By.XPATH, "..").text
    )
    shot(browser, "06-deputy-home")
    browser.find_element(
        By.LINK_TEXT, f"{receipt['resource']['number']} {FLAGGED['title']}"
    ).click()
    browser.find_element(By.ID, "evaluate-attitude-basically_satisfied").click()
    browser.find_element(By.ID, "evaluate-result-basically_satisfied").click()
    shot(browser, "07-deputy-evaluation-form")
    assert "评价：已受理" in submit(browser, "evaluate")
    # The co-signer rates too, back to back: neither sees the other's rating.
    sign_in(browser, base, console, "xn.d002")
    browser.get(f"{base}/suggestions/{sid}")
    assert "评价：态度" not in text(browser, "timeline")
    browser.find_element(By.ID, "evaluate-attitude-satisfied").click()
    browser.find_element(By.ID, "evaluate-result-basically_satisfied").click()
    assert "评价：已受理" in submit(browser, "evaluate")
    assert text(browser, "state") == "待知情议政会"

    # The committee: the second assignment after the meeting, and the figures move.
    sign_in(browser, base, console, "xn.committee")
    browser.get(f"{base}/suggestions/{sid}")
    browser.find_element(By.ID, "second_assign-meeting_note").send_keys(
        "知情议政会：明确建校时间表。"
    )
    assert "二次交办：已受理" in submit(browser, "second_assign")
    assert text(browser, "round").startswith("第 2 轮")
    assert "第2轮交办" in text(browser, "timeline")
    shot(browser, "08-second-assignment")
    browser.get(f"{base}/dashboard")
    assert int(text(browser, "count-assigned")) == assigned_before + 1
    assert text(browser, "count-second") == "1"
    shot(browser, "09-committee-dashboard-after")

    # Everyone: the progress, without signing in.
    browser.delete_all_cookies()
    browser.get(f"{base}/public?tenant=450102")
    assert FLAGGED["title"] in text(browser, "progress")
    assert "王" not in text(browser, "progress")  # no deputy's name
    shot(browser, "10-public-progress")


def test_a_phone_sized_screen_shows_the_public_page(browser: WebDriver, base: str) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(f"{base}/public")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        Path(ARTEFACTS).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTEFACTS / "11-public-phone.png"))
    finally:
        browser.set_window_size(1366, 768)


def test_a_written_review_scored_in_the_browser_shows_on_the_screen(
    browser: WebDriver, base: str, console: Console
) -> None:
    from tests.api.helpers import bearer, idem, new_key, wait_for

    s = console.system
    committee = bearer(new_key(s, "450102", "committee"))

    def settle(path: str, body: dict[str, object]) -> dict[str, object]:
        answer = s.client.post(
            f"/intake/v1/reviews{path}", json=body, headers={**committee, "Idempotency-Key": idem()}
        )
        href = answer.get_json()["href"]
        return wait_for(
            lambda: (
                (r := s.client.get(href, headers=committee).get_json())["status"] != "pending" and r
            )
        )

    opened = settle("", {"model": "written", "official": "梁某", "post": "区卫健局局长"})
    round_id = opened["resource"]["id"]
    sign_in(browser, base, console, "xn.committee")
    browser.get(f"{base}/reviews/{round_id}")
    browser.find_element(By.CSS_SELECTOR, "#form-written input[name=score]").send_keys("85")
    assert submit(browser, "written") == "已记录。"
    settle(f"/{round_id}/announce", {"opinion_received_on": "2026-06-01"})
    browser.get(f"{base}/reviews/{round_id}/screen")
    shot(browser, "review-screen")
    assert text(browser, "grade") == "85 分 · 满意"
