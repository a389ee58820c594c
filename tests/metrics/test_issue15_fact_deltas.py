"""Issue 15, item 3 — a single write adds its row's change to the monthly facts
(``fazhi.metrics.deltas``) instead of recomputing the keys: a handful of queries, and still
exactly what a rebuild gives (``facts_check``), including keys that drop to nothing, writes whose
signals overlap (a cascade delete), saves of fields no definition reads, and definitions changed
in this process or by another app server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tests.metrics.builders import closed, lawsuit, recon
from tests.personas import County

from fazhi.litigation.models import Hearing
from fazhi.metrics import deltas, facts
from fazhi.metrics.models import MetricDefinition, MetricFact
from fazhi.metrics.selectors import definition_for
from fazhi.orgs.models import UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.orgs.slots import slots_of

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, tzinfo=dt.UTC), tick=False) as t:
        yield t


def assert_exact(*, rows: bool = True) -> None:
    compared, mismatches = facts.facts_check()
    assert mismatches == [] and (compared > 0) == rows


def _sql(run: Any) -> list[str]:
    transaction.get_connection().__dict__.pop("_fz_facts_mark", None)  # a new transaction
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def _facts_sql(sql: list[str]) -> list[str]:
    return [q for q in sql if '"metrics_metricfact' in q or '"fz0_u"' in q]


def test_a_single_write_adds_its_change_in_a_few_queries(county: County, clock: Any) -> None:
    recon(county.dept, received_on=D(2025, 1, 3)).save()  # the watches read once (warm)
    case = closed(county.town_a, D(2025, 3, 10), "annul", respondent=county.town_b)
    sql = _sql(case.save)
    # the state (locked), the new row's contributions, one upsert of leaf and rollup rows
    facts_sql = _facts_sql(sql)
    assert len(facts_sql) == 3, facts_sql
    assert "FOR UPDATE" in facts_sql[0] or connection.vendor == "sqlite"
    assert "ON CONFLICT" in facts_sql[2]
    assert_exact()
    # no longer corrected: state, the row before and after, the upsert, and the delete of the
    # rows now at zero (March's 纠错 count of 白沙镇) — no recomputation from the registers
    case.outcome = "uphold"
    facts_sql = _facts_sql(_sql(case.save))
    assert [_kind(q) for q in facts_sql] == ["state", "row", "row", "upsert", "delete"]
    assert_exact()
    case.closed_on_time = False  # no key drops to zero: no delete
    facts_sql = _facts_sql(_sql(case.save))
    assert [_kind(q) for q in facts_sql] == ["state", "row", "row", "upsert"]
    assert_exact()


def _kind(sql: str) -> str:
    if '"metrics_metricfactstate"' in sql:
        return "state"
    if '"fz0_u"' in sql:
        return "row"
    return "upsert" if "ON CONFLICT" in sql else sql.split()[0].lower()


def test_keys_that_drop_to_nothing_are_deleted(county: County, clock: Any) -> None:
    case = closed(county.village_a, D(2025, 2, 14), "annul", respondent=county.town_b)
    case.save()
    month = MetricFact.objects.filter(month=D(2025, 2, 1))
    assert month.filter(rollup=False).exists() and month.filter(rollup=True).exists()
    # moved to another month: the old month's leaf and rollup rows go, as in a rebuild
    case.closed_on = D(2025, 4, 14)
    case.save()
    assert_exact()
    assert not month.filter(unit=county.village_a).exists()
    other = closed(county.town_a, D(2025, 4, 20), "annul")
    other.save()
    case.delete()
    assert_exact()
    assert MetricFact.objects.filter(rollup=True, month=D(2025, 4, 1)).exists()  # the other's
    other.delete()
    assert_exact(rows=False)  # no case left: no fact row left
    assert not MetricFact.objects.exists()


def test_moves_between_units_months_and_statuses_match_a_rebuild(
    county: County, clock: Any
) -> None:
    cases = [
        recon(county.dept, received_on=D(2025, 1, 3), respondent=county.town_a),
        closed(county.town_a, D(2025, 3, 3), "vary", respondent=county.village_a),
        closed(county.village_a, D(2025, 5, 5), "uphold", days=70, on_time=False),
    ]
    for case in cases:
        case.save()
    assert_exact()
    first, second, third = cases
    first.unit, first.received_on = county.town_b, D(2025, 2, 3)
    first.save(update_fields=["unit", "received_on"])
    second.respondent = None
    second.save()
    third.status, third.closed_on, third.outcome, third.handling_days = "accepted", None, "", None
    third.save()
    assert_exact()
    third.delete()
    assert_exact()


def test_a_save_of_fields_no_definition_reads_costs_no_facts_query(
    county: County, clock: Any
) -> None:
    case = recon(county.dept, received_on=D(2025, 1, 3))
    case.save()
    case.applicant_name = "改名"
    facts_sql = _facts_sql(_sql(lambda: case.save(update_fields=["applicant_name"])))
    assert [q for q in facts_sql if "metricfactstate" not in q] == []
    assert_exact()


def test_overlapping_writes_are_recomputed(county: County, clock: Any) -> None:
    """Deleting a case deletes its hearings (every ``pre_delete`` is sent before the first
    ``post_delete``): the writes overlap, so their keys are recomputed — still exact."""
    case = lawsuit(
        county.town_a,
        filed_on=D(2025, 2, 1),
        hearings=[(D(2025, 4, 2), True), (D(2025, 6, 3), False)],
    )
    kept = lawsuit(county.town_a, filed_on=D(2025, 2, 3), hearings=[(D(2025, 4, 9), True)])
    assert_exact()
    with mock.patch.object(deltas, "apply", wraps=deltas.apply) as added:
        case.delete()
    assert not added.called
    assert list(Hearing.objects.values_list("case", flat=True)) == [kept.pk]
    assert_exact()


def test_a_definition_changed_here_or_on_another_server_is_followed(
    county: County, clock: Any
) -> None:
    closed(county.town_a, D(2025, 3, 3), "annul").save()
    definition = definition_for("reconsideration.corrected", 2025)
    # here: saving the definition rebuilds its facts and forgets the watches at once
    definition.numerator_filter = {"outcome__in": ["annul"]}
    definition.save()
    closed(county.town_a, D(2025, 3, 4), "annul").save()
    assert_exact()
    # another app server: its rebuild re-creates the state row with a new build time, which
    # this process's watches are keyed on (nothing here tells it)
    clock.shift(dt.timedelta(seconds=1))
    with mock.patch.object(deltas, "forget_watches"):
        MetricDefinition.objects.filter(pk=definition.pk).update(
            numerator_filter={"outcome__in": ["vary"]}
        )
        facts.facts_forget(definition)
        facts.facts_rebuild([MetricDefinition.objects.get(pk=definition.pk)])
    # (it waited for this transaction's lock on the state rows;) the next transaction here:
    _sql(closed(county.town_a, D(2025, 3, 5), "vary").save)
    assert_exact()


def test_a_rollup_row_at_zero_stays_while_leaves_are_under_it(county: County) -> None:
    """Sums can cancel out (a difference of fields): a rollup row at zero is kept while a leaf
    row under it is left, as the rebuild's sum over leaves would give it."""
    deep = orgunit_create(
        actor=Actor.command_line(),
        code="430199101902",
        name="白沙镇综合行政执法办二中队",
        kind=UnitKind.DEPARTMENT,
        level=UnitLevel.TOWNSHIP,
        parent=county.village_a,
    )
    definition = definition_for("reconsideration.corrected", 2025)
    month = D(2025, 3, 1)
    paths = {u.pk: u.path for u in (county.village_a, deep)}
    assert facts._root_of(deep.path)[0] == county.village_a.pk

    def sums(unit: int, num: int) -> deltas.Contributions:
        return deltas.Contributions(
            {(definition.pk, unit, month): [Decimal(num), Decimal(0)]}, dict(paths)
        )

    empty = deltas.Contributions({}, dict(paths))
    deltas.apply(empty, sums(deep.pk, 5), facts._root_of, slots_of)
    deltas.apply(empty, sums(county.village_a.pk, -5), facts._root_of, slots_of)
    rollup = MetricFact.objects.get(definition=definition, rollup=True, month=month)
    assert (rollup.num, rollup.den) == (0, 0)
    assert MetricFact.objects.filter(definition=definition, rollup=False, month=month).count() == 2
    deltas.apply(sums(county.village_a.pk, -5), empty, facts._root_of, slots_of)
    deltas.apply(sums(deep.pk, 5), empty, facts._root_of, slots_of)
    assert not MetricFact.objects.filter(definition=definition, month=month).exists()
