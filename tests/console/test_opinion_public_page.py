"""The page behind a station's QR code: without an account or JavaScript, at phone
size; the status page by public code shows nothing personal."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.console.conftest import ARTEFACTS, Console, csrf, start_console
from tests.support.browser import serving, start_chromium, wait_for_new_page

pytestmark = pytest.mark.timeout(240)
STATION = "450102001-S1"
PHONE_SIZE = (360, 740)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A console whose public form takes 3 opinions per visitor's address per window."""
    started = start_console(tmp_path_factory.mktemp("strict"), opinion_rate_per_address=3)
    yield started
    started.system.stop()


def _form(console: Console) -> str:
    return f"/console/o/{console.system.keys[f'qr_{STATION}']}"


def test_the_form_names_the_station_and_refuses_bad_input_clearly(console: Console) -> None:
    path = _form(console)
    client = console.client()
    page = client.get(path).get_data(as_text=True)
    assert "民生街道代表联络站" in page and 'name="phone"' in page
    assert "本站代表：刘秀英、民生街道代表" in page
    for fields, message in (
        ({"text": "   "}, "must not be blank"),
        ({"text": "路灯", "phone": "12345"}, "11 digits"),
        ({"text": "长" * 10_000}, "5000"),
    ):
        answer = client.post(path, data={"csrf_token": csrf(client, path), **fields})
        assert answer.status_code == 422
        assert message in answer.get_data(as_text=True)
    assert client.get("/console/o/forged-token").status_code == 404


def test_a_flooded_form_answers_429_with_retry_after(strict: Console) -> None:
    path = _form(strict)
    client = strict.client()
    codes = [
        client.post(
            path,
            data={"csrf_token": csrf(client, path), "text": f"第{n}条"},
            environ_overrides={"REMOTE_ADDR": "10.0.0.7"},
        )
        for n in range(4)
    ]
    assert [c.status_code for c in codes] == [303, 303, 303, 429]
    assert codes[-1].headers["Retry-After"]
    # Another visitor is not held back by the first one's flood.
    other = client.post(
        path,
        data={"csrf_token": csrf(client, path), "text": "另一位"},
        environ_overrides={"REMOTE_ADDR": "10.0.0.8"},
    )
    assert other.status_code == 303


def _photo() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 49.0, 1.0), 3: "E", 4: (108.0, 19.0, 2.0)})
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (60, 140, 60)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_go_with_the_opinion_and_bad_ones_are_refused_on_the_page(
    console: Console,
) -> None:
    path = _form(console)
    client = console.client()
    kept = console.system.settings.var_dir / "photos"
    before = len(list(kept.rglob("*.jpg")))
    good = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "text": "路口积水，附照片",
            "photos": [(io.BytesIO(_photo()), "street.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 303, good.get_data(as_text=True)
    assert len(list(kept.rglob("*.jpg"))) == before + 1
    for photo, status, says in (
        (b"\xff\xd8\xff\xe0 not really a JPEG", 422, "第1张照片"),
        (b"\xff" * 20_000_000, 413, "照片太大"),
    ):
        answer = client.post(
            path,
            data={
                "csrf_token": csrf(client, path),
                "text": "路口积水",
                "photos": [(io.BytesIO(photo), "street.jpg")],
            },
            content_type="multipart/form-data",
        )
        assert answer.status_code == status
        page = answer.get_data(as_text=True)
        assert says in page and 'id="photos-error"' in page
    assert len(list(kept.rglob("*.jpg"))) == before + 1


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-phone"))
    driver.set_window_size(*PHONE_SIZE)
    yield driver
    driver.quit()


def _shot(browser: WebDriver, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def _fits(browser: WebDriver) -> None:
    width = browser.execute_script("return document.documentElement.scrollWidth")
    inner = browser.execute_script("return window.innerWidth")
    assert width <= inner, (width, inner)


def test_a_constituent_leaves_an_opinion_on_a_phone(console: Console, phone: WebDriver) -> None:
    path = _form(console)
    with serving(console.app) as base:
        phone.get(base + path)
        assert "民生街道代表联络站" in phone.find_element(By.TAG_NAME, "h1").text
        _fits(phone)
        phone.find_element(By.ID, "text").send_keys("小区东门路灯坏了一个月，晚上很黑。")
        phone.find_element(By.ID, "phone").send_keys("13812341234")
        picture = Path(phone.capabilities["chrome"]["userDataDir"]) / "street.jpg"
        picture.write_bytes(_photo())
        phone.find_element(By.ID, "photos").send_keys(str(picture))
        kept = console.system.settings.var_dir / "photos"
        before = len(list(kept.rglob("*.jpg")))
        _shot(phone, "opinion-form-360")
        page = phone.find_element(By.TAG_NAME, "html")
        phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        wait_for_new_page(phone, page)
        assert "/console/o/status/" in phone.current_url
        assert len(list(kept.rglob("*.jpg"))) == before + 1
        for _ in range(50):
            states = phone.find_elements(By.ID, "state")
            if states and "办理中" in states[0].text:
                break
            time.sleep(0.2)
            phone.refresh()
        code = phone.find_element(By.ID, "public-code").text
        assert len(code) == 10
        _fits(phone)
        _shot(phone, "opinion-status-360")
        text = phone.find_element(By.TAG_NAME, "body").text
        assert "13812341234" not in text and "138****1234" not in text
        assert "办理中" in phone.find_element(By.ID, "state").text


def test_a_constituent_comments_on_a_draft_on_a_phone(console: Console, phone: WebDriver) -> None:
    """The draft's public page, in the same phone session: article by article, the form,
    the status by code; then the committee's page with the contact points' reports."""
    from tests.console.test_consultation_pages import plan_in_console

    _, cid = plan_in_console(console)
    with serving(console.app) as base:
        phone.get(f"{base}/console/c/{cid}")
        assert "养犬管理条例" in phone.find_element(By.ID, "title").text
        assert phone.find_element(By.ID, "article-2").is_displayed()
        _fits(phone)
        _shot(phone, "consultation-public-360")
        Select(phone.find_element(By.ID, "article")).select_by_visible_text("第2条")
        phone.find_element(By.ID, "text").send_keys("建议登记免费，方便群众。")
        phone.find_element(By.ID, "phone").send_keys("13812341234")
        page = phone.find_element(By.TAG_NAME, "html")
        phone.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        wait_for_new_page(phone, page)
        assert "/console/c/status/" in phone.current_url
        for _ in range(50):
            if phone.find_elements(By.ID, "state"):
                break
            time.sleep(0.2)
            phone.refresh()
        assert "已收到" in phone.find_element(By.ID, "state").text
        _fits(phone)
        assert "138" not in phone.find_element(By.TAG_NAME, "body").text

        phone.get(f"{base}/console/sign-in")
        phone.find_element(By.ID, "account").send_keys("xn.committee")
        phone.find_element(By.ID, "password").send_keys(console.passwords["xn.committee"])
        phone.find_element(By.ID, "password").submit()
        phone.get(f"{base}/console/consultations/{cid}")
        table = phone.find_element(By.ID, "opinions").text
        assert "建议登记免费" in table and "138****1234" in table and "13812341234" not in table
        phone.get(f"{base}/console/consultations")
        assert "养犬管理条例" in phone.find_element(By.TAG_NAME, "table").text
        _shot(phone, "consultation-committee-360")


def test_the_form_refuses_a_reversed_name_and_keeps_an_emoji_in_the_text(
    console: Console,
) -> None:
    path = _form(console)
    client = console.client()
    answer = client.post(
        path,
        data={"csrf_token": csrf(client, path), "text": "路灯坏了", "name": "张\u202e三"},
    )
    assert answer.status_code == 422
    assert "right-to-left override" in answer.get_data(as_text=True)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    answer = client.post(
        path, data={"csrf_token": csrf(client, path), "text": f"儿童乐园{family}设施坏了"}
    )
    assert answer.status_code == 303
