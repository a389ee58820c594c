"""Issue 13 item 8: 平均办理天数 without the 中止 days, the 实质性化解率 of domain.md §4 (cases not
followed by a lawsuit) as the 2026 version, and 被申请复议数 without applications that were never
accepted (2026 version) — checked against a brute-force recomputation from case-level rows, for
every unit, several periods and seeds, through the monthly facts and without them."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from tests.metrics.builders import bulk
from tests.metrics.test_metrics_oracle import half_up
from tests.personas import County

from fazhi.litigation.models import LitigationCase
from fazhi.metrics import facts
from fazhi.metrics.engine import (
    DENOMINATOR,
    NUMERATOR,
    DefinitionError,
    field_at,
    validate_definition,
)
from fazhi.metrics.models import MetricDefinition, MetricFactState
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import definition_for, metric_records, metric_values
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration.models import Outcome, ReconsiderationCase

D = dt.date
FIRST, LAST = D(2025, 1, 1), D(2026, 11, 30)
PERIODS = ["2025", "2026", "2026Q1", "2026-03", "2025-11-15..2026-02-10", "2026-01-01..2026-11-20"]
RESOLVED = {"coordinated_withdrawn", "mediation", "settled_withdrawn"}
CODES = (
    "reconsideration.avg_days",
    "reconsideration.avg_days_net",
    "reconsideration.resolution_rate",
    "reconsideration.respondent_cases",
)
CLI = Actor.command_line()
pytestmark = pytest.mark.django_db


def day(rng: random.Random, start: dt.date = FIRST, end: dt.date = LAST) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def generate(rng: random.Random, units: list[OrgUnit], n: int) -> list[ReconsiderationCase]:
    """复议 cases (some suspended, some refused or withdrawn before acceptance) and 应诉 cases
    linked to some of the closed ones — a few twice (two 被告, or two 审级)."""
    rows = []
    for i in range(n):
        respondent = rng.choice([*units, None])
        status = rng.choice(
            ["reviewing", "correcting", "not_accepted", "abandoned", "withdrawn", "accepted"]
            + ["suspended"]
            + ["closed"] * 5
        )
        case = ReconsiderationCase(
            number=f"湘复〔O〕{i}号",
            unit=rng.choice(units),
            authority="湘江县人民政府",
            respondent=respondent,
            respondent_name=respondent.name if respondent else "外部机关",
            act_category="penalty",
            received_on=day(rng),
            status=status,
        )
        if status == "not_accepted":
            case.refused_on = case.received_on + dt.timedelta(days=rng.randint(1, 7))
        if status in ("accepted", "suspended", "closed"):
            case.accepted_on = case.received_on + dt.timedelta(days=rng.randint(0, 7))
            case.acceptance_kind = "decided"
        if status == "closed":
            assert case.accepted_on is not None
            case.closed_on = case.accepted_on + dt.timedelta(days=rng.randint(3, 120))
            case.outcome = rng.choice(Outcome.values)
            days = (case.closed_on - case.accepted_on).days
            case.handling_days = None if rng.random() < 0.1 else days
            case.suspended_days = rng.choice([0, 0, 0, rng.randint(0, days)])
        rows.append(case)
    cases = bulk(ReconsiderationCase, rows)
    done = [c for c in cases if c.status == "closed"]
    lawsuits = []
    for j, case in enumerate(rng.sample(done, len(done) // 3)):
        for k in range(rng.choice([1, 1, 1, 2])):
            assert case.closed_on is not None
            lawsuits.append(
                LitigationCase(
                    number=f"（2026）湘0199行初{j}-{k}号",
                    court="湘江县人民法院",
                    unit=rng.choice(units),
                    filed_on=min(case.closed_on + dt.timedelta(days=rng.randint(5, 40)), LAST),
                    reconsideration=case,
                )
            )
    lawsuits += [
        LitigationCase(
            number=f"（2026）湘0199行初X{j}号", court="某法院", unit=units[0], filed_on=day(rng)
        )
        for j in range(5)
    ]
    bulk(LitigationCase, lawsuits)
    return cases


def brute_force(period: Period, unit: OrgUnit) -> dict[str, tuple[set[int], set[int], Any]]:
    """(numerator ids, denominator ids, exact value) of each metric, in plain Python."""
    rows = list(
        ReconsiderationCase.objects.values(
            "id",
            "unit__path",
            "respondent__path",
            "status",
            "received_on",
            "accepted_on",
            "closed_on",
            "outcome",
            "handling_days",
            "suspended_days",
        )
    )
    sued = set(
        LitigationCase.objects.filter(reconsideration__isnull=False).values_list(
            "reconsideration_id", flat=True
        )
    )
    year = period.year

    def during(day: dt.date | None) -> bool:
        return day is not None and period.start <= day <= period.end

    def ids(keep: Callable[[dict[str, Any]], bool]) -> set[int]:
        return {r["id"] for r in rows if keep(r)}

    mine = [r for r in rows if r["unit__path"].startswith(unit.path)]
    by_id = {r["id"]: r for r in rows}
    closed = {r["id"] for r in mine if r["status"] == "closed" and during(r["closed_on"])}
    timed = {i for i in closed if by_id[i]["handling_days"] is not None}

    def average(days: Callable[[dict[str, Any]], int]) -> tuple[set[int], set[int], Any]:
        total = sum(days(by_id[i]) for i in timed)
        return timed, timed, Fraction(total, len(timed)) if timed else None

    def ratio(num: set[int]) -> tuple[set[int], set[int], Any]:
        return num, closed, Fraction(100 * len(num), len(closed)) if closed else None

    if year >= 2026:  # 实质性化解率: closed and not followed by a lawsuit
        resolved = {i for i in closed if i not in sued}
    else:  # the old version: 协调后撤回、调解、和解后撤回
        resolved = {i for i in closed if by_id[i]["outcome"] in RESOLVED}
    respondent = ids(
        lambda r: (
            r["respondent__path"] is not None
            and r["respondent__path"].startswith(unit.path)
            and during(r["received_on"])
            and (year < 2026 or r["accepted_on"] is not None)
        )
    )
    return {
        "reconsideration.avg_days": average(lambda r: r["handling_days"]),
        "reconsideration.avg_days_net": average(lambda r: r["handling_days"] - r["suspended_days"]),
        "reconsideration.resolution_rate": ratio(resolved),
        "reconsideration.respondent_cases": (respondent, set(), Fraction(len(respondent))),
    }


def check(units: list[OrgUnit], where: str) -> int:
    checked = 0
    for text in PERIODS:
        period = Period.parse(text)
        for unit in units:
            expected = brute_force(period, unit)
            values = {v.code: v for v in metric_values(actor=CLI, unit=unit, period=period)}
            for code in CODES:
                num, den, exact = expected[code]
                v = values[code]
                label = f"{where} {text} {unit.name} {code}"
                places = v.definition.decimals
                assert v.value == (None if exact is None else half_up(exact, places)), label
                if v.definition.aggregation == "avg":
                    assert v.denominator == len(den), label
                elif v.definition.aggregation == "ratio":
                    assert (v.numerator, v.denominator) == (len(num), len(den)), label
                else:
                    assert v.numerator == len(num), label
                checked += 1
    return checked


@pytest.mark.parametrize("seed", [2, 13, 2026])
def test_new_definitions_match_the_case_records(county: County, seed: int, settings: Any) -> None:
    rng = random.Random(seed)
    units = [county.root, county.town_a, county.town_b, county.village_a, county.dept]
    generate(rng, units, n=rng.randint(150, 220))
    assert check(units, f"seed={seed}") == len(PERIODS) * len(units) * len(CODES)
    ok, mismatches = facts.facts_check()
    assert ok and mismatches == []
    settings.FAZHI_METRIC_FACTS = False  # the registers alone give the same figures
    check(units, f"seed={seed} registers")


def test_drill_down_lists_the_records_counted(county: County) -> None:
    units = [county.root, county.town_a, county.dept]
    generate(random.Random(5), units, n=160)
    for text in ("2025", "2026"):
        period = Period.parse(text)
        for unit in units:
            expected = brute_force(period, unit)
            for code in CODES:
                definition = definition_for(code, period.year)
                rows = metric_records(
                    actor=CLI, definition=definition, unit=unit, period=period, part=NUMERATOR
                )
                assert set(rows.values_list("id", flat=True)) == expected[code][0], code
                if code == "reconsideration.resolution_rate":
                    rows = metric_records(
                        actor=CLI, definition=definition, unit=unit, period=period, part=DENOMINATOR
                    )
                    assert set(rows.values_list("id", flat=True)) == expected[code][1]


def test_linking_a_lawsuit_keeps_the_monthly_facts_right(county: County) -> None:
    """The 2026 实质性化解率 reads whether an 应诉 case points to the 复议 case: saving, relinking
    or deleting the 应诉 case recomputes the 复议 case's month."""
    units = [county.root, county.town_a, county.dept]
    cases = generate(random.Random(8), units, n=60)
    definition = definition_for("reconsideration.resolution_rate", 2026)
    assert facts.eligible(definition)
    assert MetricFactState.objects.filter(definition=definition).exists()
    done = [c for c in cases if c.status == "closed" and c.closed_on and c.closed_on.year == 2026]
    lawsuit = LitigationCase.objects.create(
        number="（2026）湘0199行初999号",
        court="湘江县人民法院",
        unit=county.town_a,
        filed_on=D(2026, 11, 1),
        reconsideration=done[0],
    )
    assert facts.facts_check()[1] == []
    lawsuit.reconsideration = done[1]
    lawsuit.save()
    assert facts.facts_check()[1] == []
    lawsuit.delete()
    assert facts.facts_check()[1] == []
    assert check(units, "after relinking") > 0


def test_the_versions_and_their_descriptions() -> None:
    old = definition_for("reconsideration.resolution_rate", 2025)
    new = definition_for("reconsideration.resolution_rate", 2026)
    assert (old.valid_to_year, new.valid_from_year) == (2025, 2026)
    assert (
        old.numerator_filter == {"outcome__in": sorted(RESOLVED)}
        or set(old.numerator_filter["outcome__in"]) == RESOLVED
    )
    assert new.numerator_filter == {"litigation_cases__isnull": True}
    assert "第四十五条" in new.description and "信访" in new.description
    before = definition_for("reconsideration.respondent_cases", 2025)
    after = definition_for("reconsideration.respondent_cases", 2026)
    assert before.base_filter == {} and "含不予受理" in before.description
    assert after.base_filter == {"accepted_on__isnull": False}
    assert "不予受理" in after.description and "第四十八条" in after.description
    net = definition_for("reconsideration.avg_days_net", 2024)  # a variant for every year
    assert net.value_field == "handling_days - suspended_days" and "第三十九条" in net.description
    label = field_at(ReconsiderationCase, net.value_field).verbose_name
    assert label == "办理天数−中止天数"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"value_field": "handling_days - status"}, "“status”应为数值字段"),
        ({"value_field": "handling_days - "}, "加减号两边都应是字段"),
        ({"numerator_filter": {"litigation_cases__isnull": "yes"}}, "应为 true 或 false"),
        ({"numerator_filter": {"litigation_cases__status": "closed"}}, "多值关联"),
    ],
)
def test_a_wrong_expression_or_existence_test_is_refused(
    changes: dict[str, Any], words: str
) -> None:
    definition = MetricDefinition.objects.get(
        code="reconsideration.avg_days_net", valid_from_year=2020
    )
    if "numerator_filter" in changes:
        definition = definition_for("reconsideration.resolution_rate", 2026)
    for name, value in changes.items():
        setattr(definition, name, value)
    with pytest.raises(DefinitionError, match=words):
        validate_definition(definition)


def test_the_drill_page_of_the_variant_names_its_terms(county: County) -> None:
    generate(random.Random(4), [county.root, county.dept], n=40)
    page = county.client("dept_clerk").get(
        "/metrics/reconsideration.avg_days_net/drill/?unit=430199001&period=2026&part=numerator"
    )
    assert page.status_code == 200
    assert "办理天数−中止天数" in page.content.decode()


def test_half_up_is_the_oracle_rounding() -> None:
    assert half_up(Fraction(1, 8), 2) == Decimal("0.13")
