"""A real Chromium (Debian's, with its chromedriver) driven by selenium, and a server for it.

No browser is ever downloaded: `make browser` installs the two packages. Under CI a
missing browser fails the test (tests/support/infra.unavailable), elsewhere it skips.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from tests.support.infra import free_port, unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = (1366, 768)
"""The office screen the pages are made for."""


def start_chromium(profile_dir: Path) -> webdriver.Chrome:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        unavailable("Chromium (make browser)", FileNotFoundError(", ".join(missing)))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=zh-CN",
        f"--user-data-dir={profile_dir}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    return driver


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The WSGI app on a free loopback port for as long as the block runs; its base URL."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def wait_for_new_page(browser: webdriver.Chrome, old: WebElement, timeout: float = 15) -> None:
    """Until the page `old` (its <html>) belonged to has been replaced by the next one.

    Selenium's staleness_of, except that chromedriver, asked about a node while the next
    document loads, may answer "Node with given id does not belong to the document": the
    node is gone all the same."""

    def replaced(_: object) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False

    WebDriverWait(browser, timeout).until(replaced)
