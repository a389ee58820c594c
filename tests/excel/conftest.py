"""Excel tests run on 2025-06-30 (Asia/Shanghai): services refuse dates after today."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from tests.excel.helpers import TODAY


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield
