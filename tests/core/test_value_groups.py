"""Outcome groups are stated once, in the register's metric fixture: the 纠错 definitions and the
code's ``CORRECTING_OUTCOMES`` read the same list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fazhi.core.value_groups import resolve, value_group
from fazhi.metrics.models import MetricDefinition
from fazhi.reconsideration.models import CORRECTING_OUTCOMES, METRIC_FIXTURE, Outcome


def test_code_reads_the_fixture_group() -> None:
    assert set(CORRECTING_OUTCOMES) == {
        Outcome.VARY,
        Outcome.ANNUL,
        Outcome.PARTIAL_ANNUL,
        Outcome.CONFIRM_ILLEGAL,
        Outcome.CONFIRM_VOID,
        Outcome.ORDER_PERFORM,
    }
    assert list(CORRECTING_OUTCOMES) == list(value_group(METRIC_FIXTURE, "correcting"))


@pytest.mark.django_db
def test_synced_definitions_count_the_same_group() -> None:
    raw = json.loads(METRIC_FIXTURE.read_text(encoding="utf-8"))
    referring = [
        d["code"]
        for d in raw["definitions"]
        if d["numerator_filter"].get("outcome__in") == {"group": "correcting"}
    ]
    assert set(referring) == {
        "reconsideration.corrected",
        "reconsideration.correction_rate",
        "reconsideration.respondent_corrected",
    }
    for code in referring:
        for row in MetricDefinition.objects.filter(code=code):
            assert row.numerator_filter["outcome__in"] == list(CORRECTING_OUTCOMES)


def test_unknown_group_names_the_group(tmp_path: Path) -> None:
    fixture = tmp_path / "metrics.json"
    fixture.write_text('{"value_groups": {"a": {"label": "甲", "values": [1]}}}', "utf-8")
    assert value_group(fixture, "a") == ("1",)
    with pytest.raises(KeyError, match="没有取值组“b”"):
        value_group(fixture, "b")
    nested: Any = {"x": [{"group": "a"}], "y": {"outcome__in": {"group": "a"}}}
    assert resolve(nested, {"a": ("1",)}) == {"x": [["1"]], "y": {"outcome__in": ["1"]}}
    with pytest.raises(KeyError, match="未定义的取值组：c"):
        resolve({"group": "c"}, {})
