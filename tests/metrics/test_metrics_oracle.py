"""Correctness oracle: random cases and plan assignments across the whole county tree, for
several seeds; every metric of the registers generated here (行政复议, 行政应诉, 工作计划) for
every unit and period equals a brute-force recomputation in Python written without the engine,
and the drill-down lists exactly the records counted. The later registers' metrics are checked
against hand counts in their own test modules (``COUNTED_ELSEWHERE``): every metric shipped is
in one or the other."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from tests.metrics.builders import bulk, shipped_codes
from tests.personas import County

from fazhi.litigation.models import LOSS_RESULTS, Hearing, LitigationCase, Result
from fazhi.metrics.engine import DENOMINATOR, NUMERATOR
from fazhi.metrics.facts import facts_kept
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definition_for, metric_records, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.plans.models import Assignment, AssignmentRole, AssignmentStatus, Plan, Task
from fazhi.reconsideration.models import Outcome, ReconsiderationCase

D = dt.date
FIRST, LAST = D(2023, 10, 1), D(2025, 3, 31)
PERIODS = ["2024", "2024Q4", "2024-02", "2023-11-15..2024-02-10", "2025"]
CORRECTING = {"vary", "annul", "partial_annul", "confirm_illegal", "confirm_void", "order_perform"}
MEDIATION = {"mediation", "settled_withdrawn"}
RESOLVED = MEDIATION | {"coordinated_withdrawn"}
RECON_FIELDS = (
    "id",
    "unit__path",
    "respondent__path",
    "status",
    "received_on",
    "accepted_on",
    "refused_on",
    "closed_on",
    "outcome",
    "closed_on_time",
    "handling_days",
    "suspended_days",
)


# --- generator -----------------------------------------------------------------------------------
def day(rng: random.Random, start: dt.date = FIRST, end: dt.date = LAST) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def generate(
    rng: random.Random, units: list[OrgUnit], n_recon: int, n_lit: int, n_tasks: int = 40
) -> None:
    """Cases and plan assignments at every level of the tree, stored fields set the way the
    services set them."""
    bulk(ReconsiderationCase, (recon_case(rng, units, i) for i in range(n_recon)))
    cases = bulk(LitigationCase, (lit_case(rng, units, i) for i in range(n_lit)))
    hearings = []
    for case in cases:
        held = sorted(
            day(rng, case.filed_on, case.filed_on + dt.timedelta(days=200))
            for _ in range(rng.randint(0, 3))
        )
        rows = [Hearing(case=case, held_on=d, head_appeared=rng.random() < 0.4) for d in held]
        hearings += rows
        case.hearing_count = len(rows)
        case.first_hearing_on = held[0] if held else None
        case.head_appeared = any(h.head_appeared for h in rows)
        if rng.random() < 0.6:
            case.status = "closed"
            case.judged_on = (held[-1] if held else case.filed_on) + dt.timedelta(
                days=rng.randint(1, 90)
            )
            case.result = rng.choice(Result.values)
            case.is_loss = case.result in LOSS_RESULTS
    bulk(Hearing, hearings)
    with facts_kept(LitigationCase, [c.pk for c in cases]):
        LitigationCase.objects.bulk_update(
            cases,
            [
                "hearing_count",
                "first_hearing_on",
                "head_appeared",
                "status",
                "judged_on",
                "result",
                "is_loss",
            ],
        )
    assignments(rng, units, n_tasks)


def assignments(rng: random.Random, units: list[OrgUnit], n_tasks: int) -> None:
    """Tasks of one plan, each assigned to a few units with its own due date and status."""
    if not n_tasks:
        return
    plan = Plan.objects.create(unit=units[0], year=2024, title="工作要点")
    rows = []
    for i in range(n_tasks):
        task = Task.objects.create(plan=plan, title=f"任务{i}", text="内容", order=i)
        for unit in rng.sample(units, rng.randint(1, min(4, len(units)))):
            due = None if rng.random() < 0.1 else day(rng)
            row = Assignment(
                task=task,
                unit=unit,
                role=rng.choice(AssignmentRole.values),
                due_on=due,
                status=rng.choice(AssignmentStatus.values),
            )
            if row.status == AssignmentStatus.COMPLETED or rng.random() < 0.1:  # or sent back
                row.completed_on = (due or day(rng)) + dt.timedelta(days=rng.randint(-60, 30))
                row.completed_on_time = due is None or row.completed_on <= due
            rows.append(row)
    bulk(Assignment, rows)


def recon_case(rng: random.Random, units: list[OrgUnit], i: int) -> ReconsiderationCase:
    respondent = rng.choice([*units, None])
    received = day(rng)
    status = rng.choice(
        ["reviewing", "correcting", "not_accepted", "abandoned", "accepted", "suspended"]
        + ["closed"] * 4
    )
    case = ReconsiderationCase(
        number=f"湘复〔R〕{i}号",
        unit=rng.choice(units),
        authority="湘江县人民政府",
        respondent=respondent,
        respondent_name=respondent.name if respondent else "外部机关",
        act_category=rng.choice(["penalty", "licensing", "info_disclosure"]),
        received_on=received,
        status=status,
    )
    if status == "not_accepted":
        case.refused_on = received + dt.timedelta(days=rng.randint(1, 7))
    if status in ("accepted", "suspended", "closed"):
        case.accepted_on = received + dt.timedelta(days=rng.randint(0, 7))
        case.acceptance_kind = rng.choice(["decided", "deemed"])
    if status == "closed":
        assert case.accepted_on is not None
        case.closed_on = case.accepted_on + dt.timedelta(days=rng.randint(3, 100))
        case.outcome = rng.choice(Outcome.values)
        case.handling_days = (
            None if rng.random() < 0.1 else (case.closed_on - case.accepted_on).days
        )
        case.closed_on_time = rng.choice([True, True, False, None])
        if case.handling_days is not None and rng.random() < 0.3:  # 中止 days (第39条)
            case.suspended_days = rng.randint(0, case.handling_days)
    return case


def lit_case(rng: random.Random, units: list[OrgUnit], i: int) -> LitigationCase:
    return LitigationCase(
        number=f"（2024）湘0199行初{i}号",
        court="湘江县人民法院",
        unit=rng.choice(units),
        filed_on=day(rng),
    )


# --- brute force ---------------------------------------------------------------------------------
@dataclass
class Expected:
    numerator_ids: set[int]
    denominator_ids: set[int] | None  # None: a count has no denominator
    value: Fraction | None


def brute_force(period: Period, unit: OrgUnit) -> dict[str, Expected]:
    """Every default metric, straight from the rows, in plain Python."""
    recon = list(ReconsiderationCase.objects.values(*RECON_FIELDS))
    cases = list(
        LitigationCase.objects.values(
            "id",
            "unit__path",
            "status",
            "filed_on",
            "judged_on",
            "is_loss",
            "hearing_count",
            "first_hearing_on",
            "head_appeared",
        )
    )
    hearings = list(Hearing.objects.values("id", "case__unit__path", "held_on", "head_appeared"))
    tasks = list(
        Assignment.objects.values(
            "id", "unit__path", "due_on", "status", "completed_on", "completed_on_time"
        )
    )

    def inside(path: str | None) -> bool:
        return path is not None and path.startswith(unit.path)

    def during(date: dt.date | None) -> bool:
        return date is not None and period.start <= date <= period.end

    def ids(rows: Iterable[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]) -> set[int]:
        return {r["id"] for r in rows if keep(r)}

    mine = [r for r in recon if inside(r["unit__path"])]
    closed = ids(mine, lambda r: r["status"] == "closed" and during(r["closed_on"]))
    by_id = {r["id"]: r for r in recon}

    def count(found: set[int]) -> Expected:
        return Expected(found, None, Fraction(len(found)))

    def ratio(num: set[int], den: set[int]) -> Expected:
        return Expected(num, den, Fraction(100 * len(num), len(den)) if den else None)

    def where(base: set[int], keep: Callable[[dict[str, Any]], bool]) -> set[int]:
        return {i for i in base if keep(by_id[i])}

    averaged = where(closed, lambda r: r["handling_days"] is not None)
    total_days = sum(by_id[i]["handling_days"] for i in averaged)
    net_days = sum(by_id[i]["handling_days"] - by_id[i]["suspended_days"] for i in averaged)
    respondent = [r for r in recon if inside(r["respondent__path"])]
    lit = [c for c in cases if inside(c["unit__path"])]
    lit_closed = ids(lit, lambda c: c["status"] == "closed" and during(c["judged_on"]))
    losses = {c["id"] for c in lit if c["id"] in lit_closed and c["is_loss"]}
    heard = ids(lit, lambda c: c["hearing_count"] > 0 and during(c["first_hearing_on"]))
    sessions = ids(hearings, lambda h: inside(h["case__unit__path"]) and during(h["held_on"]))
    assigned = [a for a in tasks if inside(a["unit__path"])]
    due = ids(assigned, lambda a: during(a["due_on"]))
    done = {a["id"]: a["status"] == "completed" for a in assigned}
    on_time = {a["id"] for a in assigned if done[a["id"]] and a["completed_on_time"] is True}
    late = {a["id"] for a in assigned if done[a["id"]] and a["completed_on_time"] is False}
    still_overdue = {a["id"] for a in assigned if a["status"] == "overdue"}
    return {
        "reconsideration.received": count(ids(mine, lambda r: during(r["received_on"]))),
        "reconsideration.accepted": count(ids(mine, lambda r: during(r["accepted_on"]))),
        "reconsideration.refused": count(ids(mine, lambda r: during(r["refused_on"]))),
        "reconsideration.closed": count(closed),
        "reconsideration.corrected": count(where(closed, lambda r: r["outcome"] in CORRECTING)),
        "reconsideration.correction_rate": ratio(
            where(closed, lambda r: r["outcome"] in CORRECTING), closed
        ),
        "reconsideration.mediation_rate": ratio(
            where(closed, lambda r: r["outcome"] in MEDIATION), closed
        ),
        "reconsideration.resolution_rate": ratio(
            where(closed, lambda r: r["outcome"] in RESOLVED), closed
        ),
        "reconsideration.on_time_rate": ratio(
            where(closed, lambda r: r["closed_on_time"] is True), closed
        ),
        "reconsideration.avg_days": Expected(
            averaged, averaged, Fraction(total_days, len(averaged)) if averaged else None
        ),
        "reconsideration.avg_days_net": Expected(
            averaged, averaged, Fraction(net_days, len(averaged)) if averaged else None
        ),
        "reconsideration.respondent_cases": count(
            ids(respondent, lambda r: during(r["received_on"]))
        ),
        "reconsideration.respondent_corrected": count(
            ids(
                respondent,
                lambda r: (
                    r["status"] == "closed"
                    and during(r["closed_on"])
                    and r["outcome"] in CORRECTING
                ),
            )
        ),
        "litigation.cases": count(ids(lit, lambda c: during(c["filed_on"]))),
        "litigation.closed": count(lit_closed),
        "litigation.losses": count(losses),
        "litigation.loss_rate": ratio(losses, lit_closed),
        "litigation.head_rate_hearing": ratio(
            {h["id"] for h in hearings if h["id"] in sessions and h["head_appeared"]}, sessions
        ),
        "litigation.head_rate_case": ratio(
            {c["id"] for c in lit if c["id"] in heard and c["head_appeared"]}, heard
        ),
        "plans.assignments_due": count(due),
        "plans.on_time_rate": ratio(due & on_time, due),
        "plans.overdue": count(due & (still_overdue | late)),
        "plans.overdue_open": count(due & still_overdue),
        "plans.completed_count": count(
            ids(assigned, lambda a: done[a["id"]] and during(a["completed_on"]))
        ),
    }


def half_up(value: Fraction, places: int) -> Decimal:
    """Round half-up with integer arithmetic only (independent of Decimal.quantize)."""
    scaled = value * 10**places
    whole = scaled.numerator * 2 + scaled.denominator
    rounded_int = whole // (2 * scaled.denominator)
    return Decimal(rounded_int).scaleb(-places)


# --- the oracle ----------------------------------------------------------------------------------
#: The registers whose records ``generate`` writes and ``brute_force`` recomputes.
ORACLE_APPS = {"reconsideration", "litigation", "plans"}
#: Every other register with metrics: the test (module, function) that checks each of its
#: metrics against a hand count of the records it builds.
COUNTED_ELSEWHERE = {
    # issue 19: 考核督察
    "assessments": (
        "tests.assessments.test_metrics_assessments",
        "test_every_metric_equals_the_hand_count",
    ),
    "legality": ("tests.legality.test_register_legality", "test_metrics_equal_the_hand_count"),
    "normative_docs": (
        "tests.normative_docs.test_metrics_normative",
        "test_every_metric_equals_the_hand_count",
    ),
    "decisions": (
        "tests.decisions.test_metrics_hooks_decisions",
        "test_every_metric_equals_a_hand_count",
    ),
    # issue 17: the 行政执法 registers
    "enforcement": ("tests.enforcement.test_metrics_enforcement", "test_year_end_figures_by_hand"),
    "enforcement_training": (
        "tests.enforcement_training.test_metrics_training",
        "test_hand_counted_values",
    ),
    "enforcement_data": (
        "tests.enforcement_data.test_register_enforcement_data",
        "test_metrics_equal_the_hand_count",
    ),
    "enforcement_oversight": (
        "tests.enforcement_oversight.test_metrics_eo",
        "test_metrics_equal_the_hand_count",
    ),
    "case_review": ("tests.case_review.test_metrics_case_review", "test_oracle_values"),
    # issue 18: 人民调解, 学法, 述法 and 法律顾问
    "mediation": ("tests.mediation.test_metrics_mediation", "test_every_metric_matches_the_oracle"),
    "study": ("tests.study.test_metrics_study", "test_engine_equals_the_oracle"),
    "statements": ("tests.statements.test_metrics_statements", "test_the_engine_equals_the_oracle"),
    "counsel": ("tests.counsel.test_metrics_counsel", "test_the_oracle"),
}


def app_of(code: str) -> str:
    return code.split(".", 1)[0]


def test_every_metric_is_checked_by_this_oracle_or_its_registers_own_test() -> None:
    apps = {app_of(code) for year in (2024, 2025, 2026) for code in shipped_codes(year)}
    assert not ORACLE_APPS & set(COUNTED_ELSEWHERE)
    # A new register's metrics fail here until its hand-count test is listed (or it is added
    # to the brute force).
    assert apps == ORACLE_APPS | set(COUNTED_ELSEWHERE)
    for app, (module, function) in COUNTED_ELSEWHERE.items():
        assert callable(getattr(importlib.import_module(module), function, None)), app


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 7, 2024, 31337])
def test_every_metric_for_every_unit_matches_brute_force(county: County, seed: int) -> None:
    rng = random.Random(seed)
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    generate(rng, units, n_recon=rng.randint(120, 200), n_lit=rng.randint(50, 90))
    actor = Actor.command_line()
    checked = 0
    for text in PERIODS:
        period = Period.parse(text)
        for unit in units:
            expected = brute_force(period, unit)
            every = metric_values(actor=actor, unit=unit, period=period)
            values = [v for v in every if app_of(v.code) in ORACLE_APPS]
            assert {v.code for v in values} == set(expected)
            for v in values:
                want = expected[v.code]
                where = f"seed={seed} {text} {unit.name} {v.code}"
                want_value = (
                    None if want.value is None else half_up(want.value, v.definition.decimals)
                )
                assert v.value == want_value, where
                if v.definition.aggregation == "avg":
                    assert v.denominator == len(want.numerator_ids), where
                else:
                    assert v.numerator == len(want.numerator_ids), where
                    assert v.denominator == (
                        None if want.denominator_ids is None else len(want.denominator_ids)
                    ), where
                checked += 1
    # every metric of the generated registers, once per period and unit (24 of them: 复议 13,
    # 应诉 6, 计划 5)
    ours = {c for c in shipped_codes(2024) if app_of(c) in ORACLE_APPS}
    assert len(ours) == 24
    assert checked == len(PERIODS) * len(units) * len(ours)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [3, 99])
def test_drill_down_lists_exactly_the_records_counted(county: County, seed: int) -> None:
    rng = random.Random(seed)
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    generate(rng, units, n_recon=150, n_lit=70)
    actor = Actor.command_line()
    for text in ("2024", "2024Q4"):
        period = Period.parse(text)
        for unit in units:
            expected = brute_force(period, unit)
            for code, want in expected.items():
                definition = definition_for(code, period.year)
                num = metric_records(
                    actor=actor, definition=definition, unit=unit, period=period, part=NUMERATOR
                )
                assert set(num.values_list("id", flat=True)) == want.numerator_ids, (
                    code,
                    unit.name,
                    text,
                )
                if want.denominator_ids is not None:
                    den = metric_records(
                        actor=actor,
                        definition=definition,
                        unit=unit,
                        period=period,
                        part=DENOMINATOR,
                    )
                    assert set(den.values_list("id", flat=True)) == want.denominator_ids, code
                else:
                    with pytest.raises(ValueError):
                        metric_records(
                            actor=actor,
                            definition=definition,
                            unit=unit,
                            period=period,
                            part=DENOMINATOR,
                        )


@pytest.mark.django_db
def test_drill_down_of_a_scoped_actor_stays_in_its_subtree(county: County) -> None:
    rng = random.Random(5)
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    generate(rng, units, n_recon=150, n_lit=40)
    actor = county.actor("clerk_a")
    period = Period.parse("2024")
    values = {v.code: v for v in metric_values(actor=actor, unit=county.town_a, period=period)}
    expected = brute_force(period, county.town_a)
    for code, want in expected.items():
        assert values[code].value == (
            None if want.value is None else half_up(want.value, values[code].definition.decimals)
        )
        definition = definition_for(code, 2024)
        rows = metric_records(
            actor=actor, definition=definition, unit=county.town_a, period=period, part=NUMERATOR
        )
        assert set(rows.values_list("id", flat=True)) == want.numerator_ids
