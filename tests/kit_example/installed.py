"""Imported first by the example's test modules: skips the module unless the app is installed.

The example register is installed only in its own test run (``FAZHI_EXTRA_APPS=tests.kit_example``,
started by ``tests/core/test_register_kit_example.py``): installed in the main run, its
navigation entry, home tile, API router and sweep summary would show in every other test.
"""

import pytest
from django.apps import apps

REASON = (
    "示例台账 tests.kit_example 未安装：由 tests/core/test_register_kit_example.py "
    "以 FAZHI_EXTRA_APPS=tests.kit_example 单独运行"
)

if not apps.is_installed("tests.kit_example"):
    pytest.skip(REASON, allow_module_level=True)
