"""Issue 15 (read speed): the cheaper result objects of the engine give what they gave before.

- ``engine.evaluator`` (a definition's constants read once) equals the former ``evaluate``
  (kept below as the reference, copied from the code before the change) for every
  aggregation, number of decimals and kind of sum (None, int, whole and fractional Decimal,
  float) — value, numerator and denominator, their types and exponents included;
- ``MetricValue`` (now a tuple-built record) behaves like the frozen dataclass it was:
  keyword constructor, read-only fields, equal only to a ``MetricValue`` with equal fields,
  hash, repr, no ordering, drill links cached in ``vars()``;
- ``gc_paused`` (around a breakdown) leaves the garbage collector as it found it.
"""

from __future__ import annotations

import gc
import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from fazhi.metrics import engine
from fazhi.metrics.engine import MetricValue, metric_value
from fazhi.metrics.models import Aggregation, MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import gc_paused
from fazhi.orgs.models import OrgUnit


def reference(definition: MetricDefinition, num: Any, den: Any) -> tuple[Any, Any, Any]:
    """``engine.evaluate`` before issue 15's change (commit 089a1db), row = {x_n, x_d}."""

    def rounded(value: Decimal, places: int) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    def as_decimal(value: Any) -> Decimal:
        if value is None:
            return Decimal(0)
        return value if isinstance(value, Decimal) else Decimal(str(value))

    agg, places = definition.aggregation, definition.decimals
    if agg == Aggregation.COUNT:
        count = int(num or 0)
        return rounded(Decimal(count), places), count, None
    if agg == Aggregation.RATIO:
        n, d = int(num or 0), int(den or 0)
        return (rounded(Decimal(n) * 100 / Decimal(d), places) if d else None), n, d
    total, count = as_decimal(num), int(den or 0)
    if agg == Aggregation.SUM:
        return rounded(total, places), total, None
    return (rounded(total / count, places) if count else None), total, count


SUMS = [None, 0, 7, Decimal("0.000000"), Decimal("3.000000"), Decimal("2.5"), Decimal("-1.25")]
SUMS += [12.5, Decimal("142"), Decimal("2600.000000")]
COUNTS = [None, 0, 1, 3, Decimal("0"), Decimal("142"), Decimal("7.000000")]


def same(a: Any, b: Any) -> bool:
    """Equal, of the same type, and (Decimals) with the same digits and exponent."""
    return type(a) is type(b) and (repr(a) == repr(b) if isinstance(a, Decimal) else a == b)


@pytest.mark.parametrize("aggregation", list(Aggregation.values))
@pytest.mark.parametrize("places", [0, 1, 2])
def test_evaluator_equals_the_former_evaluate(aggregation: str, places: int) -> None:
    definition = MetricDefinition(code="x.y", aggregation=aggregation, decimals=places)
    evaluate = engine.evaluator(definition)
    nums = SUMS if aggregation in (Aggregation.SUM, Aggregation.AVG) else COUNTS
    for num, den in itertools.product(nums, COUNTS):
        expected = reference(definition, num, den)
        found = evaluate(num, den)
        assert all(same(a, b) for a, b in zip(found, expected, strict=True)), (num, den)
        assert (found.value, found.numerator, found.denominator) == expected
        row = {"x_n": num, "x_d": den}
        assert tuple(engine.evaluate(definition, row, "x")) == expected
    if aggregation == Aggregation.COUNT:  # a count's aggregates have no ``_d``
        assert engine.evaluate(definition, {"x_n": 3}, "x").numerator == 3


def test_metric_value_behaves_like_the_frozen_dataclass() -> None:
    definition = MetricDefinition(pk=1, code="a.b", name="纠错率", aggregation=Aggregation.RATIO)
    unit = OrgUnit(pk=5, code="431010", name="某县")
    period = Period.parse("2024")
    built = MetricValue(
        definition=definition,
        unit=unit,
        period=period,
        value=Decimal("18.3"),
        numerator=26,
        denominator=142,
    )
    figures = engine.Figures(Decimal("18.3"), 26, 142)
    fast = metric_value(definition, unit, period, figures)
    assert built == fast and (built != fast) is False and hash(built) == hash(fast)
    assert MetricValue.of(definition, unit, period, figures) == built
    assert (fast.value, fast.numerator, fast.denominator, fast.unit) == (
        Decimal("18.3"),
        26,
        142,
        unit,
    )
    assert fast.display == "18.3" + definition.display_unit and fast.code == "a.b"
    # equal only to a MetricValue: not to a tuple of the same items, either way round
    assert fast != tuple(fast) and tuple(fast) != fast and (fast == tuple(fast)) is False
    other = metric_value(definition, unit, period, engine.Figures(Decimal("18.4"), 26, 142))
    assert other != fast and len({fast, built, other}) == 2
    with pytest.raises(AttributeError):
        fast.value = Decimal(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        assert fast < other
    assert repr(fast).startswith("MetricValue(definition=") and "numerator=26" in repr(fast)
    assert vars(fast) == {}  # nothing cached until a drill link is read


def test_gc_paused_leaves_the_collector_as_it_was() -> None:
    seen: list[bool] = []

    @gc_paused
    def work(fail: bool = False) -> int:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("x")
        return 1

    assert gc.isenabled()
    assert work() == 1 and seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        work(fail=True)
    assert gc.isenabled()
    gc.disable()
    try:
        work()
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
    nested = gc_paused(lambda: (work(), gc.isenabled()))
    assert nested() == (1, False) and gc.isenabled()  # the inner call does not turn it on
