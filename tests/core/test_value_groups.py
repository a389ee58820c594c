"""Outcome groups are stated once, in the register's metric fixture: the 纠错 definitions and the
code's ``CORRECTING_OUTCOMES`` read the same list. The 2026 口径 adds the 第71条 行政协议 remedies;
the 2020—2025 versions keep the old group, so past years' figures do not change."""

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
        Outcome.AGREEMENT_PERFORM,
        Outcome.AGREEMENT_DAMAGES,
        Outcome.AGREEMENT_COMPENSATION,
    }
    assert list(CORRECTING_OUTCOMES) == list(value_group(METRIC_FIXTURE, "correcting"))


@pytest.mark.django_db
def test_synced_definitions_count_the_same_group() -> None:
    raw = json.loads(METRIC_FIXTURE.read_text(encoding="utf-8"))
    by_version = {
        (d["code"], d["valid_from_year"]): d["numerator_filter"]["outcome__in"]["group"]
        for d in raw["definitions"]
        if isinstance(d["numerator_filter"].get("outcome__in"), dict)
        and d["numerator_filter"]["outcome__in"]["group"].startswith("correcting")
    }
    codes = {
        "reconsideration.corrected",
        "reconsideration.correction_rate",
        "reconsideration.respondent_corrected",
    }
    assert by_version == {
        **{(c, 2020): "correcting_2020" for c in codes},
        **{(c, 2026): "correcting" for c in codes},
    }
    old = list(value_group(METRIC_FIXTURE, "correcting_2020"))
    assert set(old) == set(CORRECTING_OUTCOMES) - {
        Outcome.AGREEMENT_PERFORM,
        Outcome.AGREEMENT_DAMAGES,
        Outcome.AGREEMENT_COMPENSATION,
    }
    rows = MetricDefinition.objects.filter(code__in=codes)
    assert rows.count() == 6
    for row in rows:
        expected = old if row.valid_from_year == 2020 else list(CORRECTING_OUTCOMES)
        assert row.numerator_filter["outcome__in"] == expected, (row.code, row.valid_from_year)


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
