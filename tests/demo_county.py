"""The generated demo county, built once per test session (see the fixtures in conftest.py).

Generating it through the audited services takes 15–20 s, so a session builds it once
(:func:`build_demo_county`, in a transaction that is rolled back), keeps the rows
(tests/dbsnapshot.py) and restores them per test in a fraction of a second. The only test
that generates it a second time is the determinism test in
``tests/demo/test_register_fillers.py``, which compares the two.

It is exactly what ``seed_county(today=DEMO_TODAY)`` writes (default seed, every register
filler): the full year :data:`DEMO_YEAR` and January of the year after, as ``fazhi demo`` run
on :data:`DEMO_TODAY` would. A fixed ``today`` keeps the data (and the tests' meaning) the same
whatever the clock says; the last day of January keeps the current year short (the county costs
little more than its full year) and the registers as they are when the year's statistics are
compiled. Two test settings: fast password hashing
(as everywhere in the tests) and a 败诉剖析 every :data:`LOSS_REVIEW_EVERY` losses instead of
``FAZHI_LOSS_REVIEW_EVERY``'s default 5. A year has about four losses; at 3 one review is opened
and completed, so the fillers' 败诉剖析 path is seen. The setting only decides when a 败诉剖析
opens (the review, its audit entries and reminders); no figure, plan or report depends on it.
"""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings
from tests.dbsnapshot import TEST_SETTINGS

from fazhi.demo.generator import SeedResult, seed_county

LOSS_REVIEW_EVERY = 3
#: The demo county's "today": its last full year is :data:`DEMO_YEAR`.
DEMO_TODAY = dt.date(2026, 1, 31)
DEMO_YEAR = DEMO_TODAY.year - 1


def build_demo_county() -> SeedResult:
    """``seed_county(today=DEMO_TODAY)`` with the test settings above (the caller provides the
    transaction)."""
    with override_settings(**TEST_SETTINGS, FAZHI_LOSS_REVIEW_EVERY=LOSS_REVIEW_EVERY):
        return seed_county(today=DEMO_TODAY)


def build_demo_structure() -> SeedResult:
    """The demo county's units, accounts and memberships only (``seed_county(fillers=())``)."""
    with override_settings(**TEST_SETTINGS):
        return seed_county(today=DEMO_TODAY, fillers=())
