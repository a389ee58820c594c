"""Browser-test plumbing shared by ``tests/browser``: the system Chromium (headless, no
network), a page on the live server, a frozen ticking clock, and logging in."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from tests.personas import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXECUTABLE = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def frozen_at(day: dt.date) -> Iterator[dt.date]:
    """The clock at 10:00 (Shanghai) on ``day``, ticking (the live server needs time to pass)."""
    with time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=True
    ):
        yield day


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, base_url: str, *, accept_dialogs: bool = False) -> Any:
    """A Chinese-locale page; ``accept_dialogs``: agree to every window.confirm()."""
    page = browser.new_context(locale="zh-CN", base_url=base_url).new_page()
    page.set_default_timeout(15_000)
    if accept_dialogs:
        page.on("dialog", lambda dialog: dialog.accept())
    return page


@contextmanager
def chromium_page(base_url: str, screenshot: str, *, accept_dialogs: bool = False) -> Iterator[Any]:
    """One page for a test; its last state is saved as ``screenshot`` in ``FAZHI_SCREENSHOTS``."""
    with chromium() as browser:
        page = new_page(browser, base_url, accept_dialogs=accept_dialogs)
        yield page
        artifacts = os.environ.get("FAZHI_SCREENSHOTS")
        if artifacts:
            page.screenshot(path=os.path.join(artifacts, screenshot), full_page=True)


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, "登录失败"
