"""Shared fixtures: a small county with named personas, and browser-test plumbing."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from tests.personas import County, build_county

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Password hashing is deliberately slow; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db: Any) -> County:
    return build_county()


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），跳过浏览器测试")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        terminalreporter.write_sep(
            "!",
            "注意：未找到 LibreOffice，Word 文件的 LibreOffice 转换测试已跳过"
            "（apt-get install libreoffice-writer-nogui 后可运行）",
            yellow=True,
            bold=True,
        )
    if not chromium_available():
        terminalreporter.write_sep(
            "!",
            f"注意：未找到 {CHROMIUM}，浏览器测试已跳过（apt-get install chromium 后可运行）",
            yellow=True,
            bold=True,
        )
