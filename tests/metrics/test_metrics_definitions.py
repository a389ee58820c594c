"""Definition validation: every mistake gives one clear Chinese message naming the definition
and the field; the filter language's ``not`` / ``any`` and sum aggregation compute correctly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from tests.metrics.builders import closed, recon, save_recon
from tests.personas import County

from fazhi.metrics.engine import DefinitionError, compile_filter, validate_definition
from fazhi.metrics.models import MetricDefinition
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.metrics.services import metric_definition_save
from fazhi.orgs.scoping import Actor

D = dt.date


def definition(**changes: Any) -> MetricDefinition:
    fields: dict[str, Any] = {
        "code": "test.metric",
        "name": "测试指标",
        "group": "测试",
        "source": "reconsideration.ReconsiderationCase",
        "unit_field": "unit",
        "period_field": "closed_on",
        "aggregation": "count",
        "valid_from_year": 2020,
    }
    return MetricDefinition(**(fields | changes))


BAD: list[tuple[dict[str, Any], str]] = [
    (
        {"numerator_filter": {"outcom__in": ["vary"]}},
        "分子条件中的字段“outcom__in”无效：ReconsiderationCase 没有字段“outcom”",
    ),
    ({"base_filter": {"outcome__bogus": "vary"}}, "基础条件中的“outcome__bogus”无效"),
    ({"base_filter": {"outcome": ["vary", "annul"]}}, "基础条件中“outcome”的取值应为单个值"),
    ({"base_filter": {"outcome__in": "vary"}}, "基础条件中“outcome__in”的取值应为列表"),
    ({"base_filter": {"closed_on__range": ["2024-01-01"]}}, "两个元素"),
    ({"base_filter": {"closed_on__gte": "2024-13-01"}}, "基础条件中的“closed_on__gte”无效"),
    ({"base_filter": {"handling_days__gt": "many"}}, "基础条件中的“handling_days__gt”无效"),
    ({"base_filter": {"not": {}}}, "“not”应为非空 JSON 对象"),
    ({"base_filter": {"any": {"status": "closed"}}}, "“any”应为非空列表"),
    ({"base_filter": {"any": [{"statuz": "closed"}]}}, "没有字段“statuz”"),
    ({"base_filter": {"status": {"eq": "closed"}}}, "取值不能是对象"),
    ({"base_filter": ["status"]}, "基础条件应为 JSON 对象"),
    ({"source": "reconsideration.Nothing"}, "数据来源“reconsideration.Nothing”不是已安装的模型"),
    (
        {"source": "core.DeadlineRule", "unit_field": "code", "period_field": "code"},
        "未声明单位范围",
    ),
    ({"unit_field": "status"}, "归属单位字段“status”无效：应指向单位"),
    ({"unit_field": "unitt"}, "归属单位字段“unitt”无效"),
    ({"period_field": "status"}, "期间日期字段“status”无效：应为日期字段"),
    ({"period_field": "created_at"}, "期间日期字段“created_at”无效"),
    ({"aggregation": "avg"}, "求和、平均值指标需要填写数值字段"),
    ({"aggregation": "sum", "value_field": "status"}, "数值字段“status”无效"),
    ({"aggregation": "count", "value_field": "handling_days"}, "计数和比率指标不使用数值字段"),
    ({"aggregation": "median"}, "计算方式“median”无效"),
    ({"denominator_filter": {"status": "closed"}}, "只有比率指标使用分母条件"),
    ({"code": "Bad Code"}, "编码应为小写英文点分形式"),
    ({"valid_to_year": 2019}, "停用年份早于起用年份"),
    (
        {
            "source": "litigation.LitigationCase",
            "period_field": "judged_on",
            "base_filter": {"hearings__head_appeared": True},
        },
        "不能经多值关联“hearings”取数",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_definition_is_named_in_the_error(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DefinitionError) as info:
        validate_definition(definition(**changes))
    text = str(info.value)
    code = changes.get("code", "test.metric")
    assert text.startswith(f"指标定义 {code}（2020年起）："), text
    assert message in text, text
    assert "\n" not in text


@pytest.mark.django_db
def test_valid_definitions_pass() -> None:
    validate_definition(definition())
    validate_definition(
        definition(
            aggregation="ratio",
            base_filter={
                "status": "closed",
                "any": [{"outcome": "vary"}, {"closed_on_time": False}],
            },
            numerator_filter={"not": {"respondent__isnull": True}, "respondent__kind": "township"},
            denominator_filter={
                "closed_on__range": ["2020-01-01", "2030-12-31"],
                "outcome__in": [],
            },
        )
    )
    validate_definition(
        definition(
            source="litigation.Hearing", unit_field="case__unit", period_field="case__filed_on"
        )
    )
    for d in MetricDefinition.objects.all():
        validate_definition(d)


@pytest.mark.django_db
def test_full_clean_raises_validation_error(county: County) -> None:
    with pytest.raises(ValidationError, match="outcom"):
        metric_definition_save(
            actor=county.actor("sysadmin"), definition=definition(numerator_filter={"outcom": 1})
        )
    assert not MetricDefinition.objects.filter(code="test.metric").exists()


def test_compile_filter_not_and_any() -> None:
    q = compile_filter(
        {"status": "closed", "not": {"outcome": "vary"}, "any": [{"a": 1}, {"b": 2}]}
    )
    assert str(q) == str(Q(status="closed") & ~Q(outcome="vary") & (Q(a=1) | Q(b=2)))
    assert str(compile_filter(None)) == str(compile_filter({}))


@pytest.mark.django_db
def test_not_any_and_sum_compute_like_python(county: County) -> None:
    actor = county.actor("sysadmin")
    cases = [
        closed(county.dept, D(2024, 2, 1), "vary", days=10, on_time=True),
        closed(county.dept, D(2024, 2, 1), "uphold", days=20, on_time=False),
        closed(county.town_a, D(2024, 2, 1), "uphold", days=30, on_time=None),
        closed(county.town_a, D(2024, 2, 1), "annul", days=None, on_time=True),
        recon(
            county.town_b, received_on=D(2024, 1, 5), status="accepted", accepted_on=D(2024, 1, 6)
        ),
    ]
    cases[2].act_category = "licensing"
    save_recon(*cases)
    metric_definition_save(
        actor=actor,
        definition=definition(
            code="test.not_any",
            base_filter={
                "any": [{"outcome": "vary"}, {"closed_on_time": False}, {"handling_days__gte": 30}],
                "not": {"act_category": "licensing"},
            },
        ),
    )
    metric_definition_save(
        actor=actor,
        definition=definition(
            code="test.not_on_time",
            base_filter={"status": "closed", "not": {"closed_on_time": True}},
        ),
    )
    metric_definition_save(
        actor=actor,
        definition=definition(
            code="test.total_days",
            aggregation="sum",
            value_field="handling_days",
            display_unit="天",
        ),
    )
    period, cli = Period.parse("2024"), Actor.command_line()

    def get(code: str) -> Any:
        return metric_value(actor=cli, unit=county.root, period=period, code=code)

    # any(vary, late, ≥30 days) and not 许可: cases 0 and 1 (case 2 is 许可).
    assert get("test.not_any").value == 2
    # "not on time" includes the case with no on-time flag (SQL NULL), as Python's `is not True`.
    assert get("test.not_on_time").value == 2
    total = get("test.total_days")
    assert (total.value, total.numerator, total.denominator, total.display) == (
        Decimal(60),
        60,
        None,
        "60天",
    )
    assert total.denominator_url == ""
