"""法律顾问 (legal counsel roster): the register kit's complete worked example.

A throw-away register app that lives in the test tree and is installed only when
``FAZHI_EXTRA_APPS=tests.kit_example`` (see ``tests/core/test_register_kit_example.py`` and
``docs/NEW_REGISTER.md``). It adds its list, detail, 登记 and transition pages, its API, Excel
import/export, navigation entry, home tile, sweep hook, metric definition and demo seeders
without any change to a shared file.
"""
